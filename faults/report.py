"""The verdict, from the database and the sandbox, never from what the clients believed."""

from __future__ import annotations

import datetime
import re
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from .inject import Tally
from .seed import ACTION_EXTENDED, Estate

ACTION_REISSUED = "permits.permit.reissue_requested"


def open_rows() -> int:
    from portal.integrations.delivery.models import OPEN_DELIVERY_STATES, OutboundDelivery

    return OutboundDelivery.objects.filter(state__in=OPEN_DELIVERY_STATES).count()


def drain(timeout: float, *, interval: float = 0.5) -> tuple[bool, float]:
    """Wait until no row is pending or sending; returns (drained, seconds waited)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if open_rows() == 0:
            return True, time.monotonic() - started
        time.sleep(interval)
    return open_rows() == 0, time.monotonic() - started


def parse_moment(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass
class Verdict:
    attempted: int = 0
    committed: int = 0
    outbox_rows: int = 0
    delivered: int = 0
    sandbox_applied: int = 0
    permits_checked: int = 0
    lost: int = 0
    duplicated: int = 0
    failed: int = 0
    unknown_answers: int = 0
    unknown_committed: int = 0
    checked: Counter = field(default_factory=Counter)  # what was compared with the partners, per kind
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.failed == 0

    def lose(self, count: int, detail: str) -> None:
        self.lost += count
        self.details.append(f"lost: {detail}")

    def twice(self, count: int, detail: str) -> None:
        self.duplicated += count
        self.details.append(f"applied twice: {detail}")


def verdict(estate: Estate, workload, tally: Tally, buzzin_url: str, opscom_url: str, since_pk: int) -> Verdict:
    """Every change the portal committed, of every kind, against what Buzz-In and OPS-COM hold themselves."""
    from portal.integrations.delivery.models import DeliveryState, OutboundDelivery

    result = Verdict()
    result.attempted = sum(workload.done.values()) + sum(workload.errors.values()) + sum(tally.outcomes.values())
    buzzin = requests.get(f"{buzzin_url}/_sandbox/state", timeout=10).json()
    remote = {p["salesforcePermitId"]: p for p in buzzin["permits"]}
    _validity(result, estate, tally, remote, since_pk)
    _nocs_and_passes(result, estate, remote)
    _new_permits(result, workload.new_permits, remote)
    _contractors(result, estate, buzzin["contractors"])
    _parking(result, estate, requests.get(f"{opscom_url}/_sandbox/state", timeout=10).json())

    stats = requests.get(f"{buzzin_url}/_sandbox/stats", timeout=10).json()
    duplicates = stats.get("duplicateAppliedKeys", [])
    if duplicates:
        result.twice(len(duplicates), f"Buzz-In applied these keys more than once: {', '.join(duplicates[:20])}")
    result.sandbox_applied = sum(op.get("applied", 0) for op in stats.get("operations", {}).values())
    opscom_stats = requests.get(f"{opscom_url}/_sandbox/stats", timeout=10).json()
    repeated = opscom_stats.get("duplicateIdempotencyKeys", {})
    if repeated:
        result.twice(len(repeated), f"OPS-COM applied these keys more than once: {sorted(repeated)[:20]}")
    result.sandbox_applied += sum(opscom_stats.get("applied", {}).values())

    rows = OutboundDelivery.objects.filter(pk__gt=since_pk)
    result.outbox_rows = rows.count()
    result.delivered = rows.filter(state=DeliveryState.SUCCEEDED).count()
    not_succeeded = OutboundDelivery.objects.exclude(state=DeliveryState.SUCCEEDED)
    result.failed = not_succeeded.count()
    for row in not_succeeded.order_by("pk")[:20]:
        result.details.append(f"delivery #{row.pk} {row.operation} {row.state}: {row.last_error[:200]}")
    return result


def validity_verdict(estate: Estate, changes: list, tally: Tally, buzzin_url: str, since_pk: int) -> Verdict:
    """Validity changes only (``make scaleout``): Buzz-In ends with every permit's last committed validity,
    applied no key twice, and every outbox row succeeded."""
    from portal.integrations.buzzin import operations as buzzin_op
    from portal.integrations.delivery.models import DeliveryState, OutboundDelivery

    result = Verdict(attempted=len(changes))
    state = requests.get(f"{buzzin_url}/_sandbox/state", timeout=10).json()
    remote = {p["salesforcePermitId"]: p for p in state["permits"]}
    _validity(result, estate, tally, remote, since_pk)
    updates = OutboundDelivery.objects.filter(
        subscriber="buzzin", operation=buzzin_op.PERMIT_UPDATE_VALIDITY, pk__gt=since_pk
    )
    result.outbox_rows = updates.count()
    result.delivered = updates.filter(state=DeliveryState.SUCCEEDED).count()
    stats = requests.get(f"{buzzin_url}/_sandbox/stats", timeout=10).json()
    duplicates = stats.get("duplicateAppliedKeys", [])
    if duplicates:
        result.twice(len(duplicates), f"Buzz-In applied these keys more than once: {', '.join(duplicates[:20])}")
    result.sandbox_applied = stats.get("operations", {}).get("updatePermit", {}).get("applied", 0)
    not_succeeded = OutboundDelivery.objects.exclude(state=DeliveryState.SUCCEEDED)
    result.failed = not_succeeded.count()
    for row in not_succeeded.order_by("pk")[:20]:
        result.details.append(f"delivery #{row.pk} {row.operation} {row.state}: {row.last_error[:200]}")
    return result


def _validity(result: Verdict, estate: Estate, tally: Tally, remote: dict, since_pk: int) -> None:
    from permits.models import Permit
    from portal.core.models import AuditEvent
    from portal.integrations.buzzin import operations as buzzin_op
    from portal.integrations.delivery.models import OutboundDelivery

    extended = AuditEvent.objects.filter(action=ACTION_EXTENDED, target_type="permit")
    committed_tills = {parse_moment(data["valid_till"][1]) for data in extended.values_list("data", flat=True)}
    result.committed = extended.count()
    updates = OutboundDelivery.objects.filter(
        subscriber="buzzin", operation=buzzin_op.PERMIT_UPDATE_VALIDITY, pk__gt=since_pk
    ).count()
    if updates != result.committed:  # a change committed without its outbox row (or the reverse)
        result.lose(abs(result.committed - updates), f"{result.committed} extensions committed, {updates} rows")
    result.unknown_answers = len(tally.unknown)
    result.unknown_committed = sum(1 for change in tally.unknown if change.valid_till in committed_tills)
    for permit_id, reference, valid_till in Permit.objects.filter(pk__in=estate.permit_ids).values_list(
        "pk", "reference", "valid_till"
    ):
        result.permits_checked += 1
        result.checked["validity"] += 1
        theirs = remote.get(reference)
        their_till = parse_moment(theirs.get("validTill")) if theirs else None
        if their_till != valid_till:
            result.lose(1, f"permit #{permit_id} {reference}: validity portal {valid_till}, Buzz-In {their_till}")


def _nocs_and_passes(result: Verdict, estate: Estate, remote: dict) -> None:
    """NOC versions: Buzz-In's history is every earlier version, its current one ours. Passes: one revision per
    reissue the portal committed (Buzz-In numbers its documentation ``-r<revision>``)."""
    from permits.models import NocVersion, Permit
    from portal.core.models import AuditEvent

    reissues = Counter(
        AuditEvent.objects.filter(action=ACTION_REISSUED, target_type="permit").values_list("target_id", flat=True)
    )
    for permit in Permit.objects.filter(pk__in=estate.permit_ids):
        theirs = remote.get(permit.reference) or {}
        damac = (theirs.get("integrations") or {}).get("damac") or {}
        versions = list(NocVersion.objects.filter(permit=permit).order_by("version"))
        history = len(damac.get("nocHistory") or [])
        current = (damac.get("noc") or {}).get("nocNumber")
        result.checked["noc versions"] += len(versions)
        if history < len(versions) - 1 or current != versions[-1].noc_number:
            result.lose(1, f"{permit.reference}: {len(versions)} NOC versions, Buzz-In {history} + {current}")
        elif history > len(versions) - 1:
            result.twice(history - len(versions) + 1, f"{permit.reference}: NOC replaced {history} times at Buzz-In")
        match = re.search(r"-r(\d+)\.pdf$", theirs.get("permitDocumentationUrl") or "")
        revisions = int(match.group(1)) - 1 if match else -1
        wanted = reissues.get(str(permit.pk), 0)
        result.checked["reissues"] += wanted
        if revisions < wanted:
            result.lose(wanted - max(revisions, 0), f"{permit.reference}: {wanted} reissues, Buzz-In {revisions}")
        elif revisions > wanted:
            result.twice(revisions - wanted, f"{permit.reference}: {wanted} reissues, Buzz-In {revisions}")


def _new_permits(result: Verdict, permit_ids: list[int], remote: dict) -> None:
    """Permits created and approved during the run: created at Buzz-In and submitted there."""
    from permits.choices import PermitStatus
    from permits.models import Permit

    for reference in Permit.objects.filter(pk__in=permit_ids, status=PermitStatus.APPROVED).values_list(
        "reference", flat=True
    ):
        result.checked["creates and submits"] += 1
        status = (remote.get(reference) or {}).get("statusName")
        if status not in ("SUBMITTED", "ACCEPTED"):
            result.lose(1, f"new permit {reference}: Buzz-In status {status}")


def _contractors(result: Verdict, estate: Estate, contractors: list[dict]) -> None:
    from contractors.choices import MembershipStatus
    from contractors.models import ContractorMembership
    from portal.integrations.buzzin.models import BuzzinCommunity

    community = BuzzinCommunity.objects.get(community_id=estate.community_id).buzzin_id
    standing = {c.get("salesforceId"): (c.get("communities") or {}).get(community) for c in contractors}
    expected = {MembershipStatus.APPROVED: "approved", MembershipStatus.REVOKED: "removed"}
    memberships = ContractorMembership.objects.filter(pk__in=estate.churn_membership_ids).select_related("contractor")
    for membership in memberships:
        result.checked["contractor approvals and revocations"] += 1
        theirs = standing.get(membership.contractor.reference)
        if theirs != expected.get(membership.status):
            result.lose(1, f"contractor {membership.contractor}: portal {membership.status}, Buzz-In {theirs}")


def _parking(result: Verdict, estate: Estate, opscom: dict) -> None:
    """Every live vehicle of the active permits parked at OPS-COM with its plate and end; every removed one gone;
    nothing else live there."""
    from permits.models import Vehicle
    from portal.integrations.opscom.client import format_local_datetime
    from portal.integrations.opscom.models import OpscomParking

    live = opscom.get("permits", {})
    references = dict(OpscomParking.objects.values_list("vehicle_id", "reference_id"))
    matched = set()
    vehicles = Vehicle.objects.filter(permit_id__in=estate.permit_ids).select_related("permit__community")
    for vehicle in vehicles:
        reference = references.get(vehicle.pk) or ""
        theirs = live.get(reference)
        if vehicle.removed_at is not None:
            result.checked["parking deletes"] += 1
            if theirs is not None:
                result.lose(1, f"vehicle {vehicle.plate} removed, still parked at OPS-COM ({reference})")
            continue
        result.checked["parking pushes and updates"] += 1
        end = format_local_datetime(vehicle.permit.valid_till, vehicle.permit.community.time_zone)
        if theirs is None or theirs.get("plate") != vehicle.plate or theirs.get("endTime") != end:
            result.lose(1, f"vehicle {vehicle.plate}: portal end {end}, OPS-COM {theirs}")
        matched.add(reference)
    orphans = sorted(set(live) - matched)
    if orphans:
        result.twice(len(orphans), f"OPS-COM holds parking permits no live vehicle has: {orphans[:10]}")
