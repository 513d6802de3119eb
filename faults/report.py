"""The verdict, from the database and the sandbox, never from what the clients believed."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field

import requests

from .inject import Change, Tally
from .seed import ACTION_EXTENDED, Estate


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
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.failed == 0


def verdict(estate: Estate, changes: list[Change], tally: Tally, buzzin_url: str, since_pk: int) -> Verdict:
    from permits.models import Permit
    from portal.core.models import AuditEvent
    from portal.integrations.buzzin import operations as buzzin_op
    from portal.integrations.delivery.models import DeliveryState, OutboundDelivery

    result = Verdict(attempted=len(changes))
    extended = AuditEvent.objects.filter(action=ACTION_EXTENDED, target_type="permit")
    committed_tills = {parse_moment(data["valid_till"][1]) for data in extended.values_list("data", flat=True)}
    result.committed = extended.count()
    updates = OutboundDelivery.objects.filter(
        subscriber="buzzin", operation=buzzin_op.PERMIT_UPDATE_VALIDITY, pk__gt=since_pk
    )
    result.outbox_rows = updates.count()
    result.delivered = updates.filter(state=DeliveryState.SUCCEEDED).count()
    if result.outbox_rows != result.committed:  # a change committed without its outbox row (or the reverse)
        result.lost += abs(result.committed - result.outbox_rows)
        result.details.append(f"{result.committed} changes committed but {result.outbox_rows} outbox rows")
    result.unknown_answers = len(tally.unknown)
    result.unknown_committed = sum(1 for change in tally.unknown if change.valid_till in committed_tills)

    state = requests.get(f"{buzzin_url}/_sandbox/state", timeout=10).json()
    remote = {p["salesforcePermitId"]: p for p in state["permits"]}
    for permit_id, reference, valid_till in Permit.objects.filter(pk__in=estate.permit_ids).values_list(
        "pk", "reference", "valid_till"
    ):
        result.permits_checked += 1
        theirs = remote.get(reference)
        their_till = parse_moment(theirs.get("validTill")) if theirs else None
        if their_till != valid_till:
            result.lost += 1
            result.details.append(f"permit #{permit_id} {reference}: portal {valid_till}, Buzz-In {their_till}")

    stats = requests.get(f"{buzzin_url}/_sandbox/stats", timeout=10).json()
    duplicates = stats.get("duplicateAppliedKeys", [])
    result.duplicated = len(duplicates)
    if duplicates:
        result.details.append(f"applied more than once: {', '.join(duplicates[:20])}")
    result.sandbox_applied = stats.get("operations", {}).get("updatePermit", {}).get("applied", 0)

    not_succeeded = OutboundDelivery.objects.exclude(state=DeliveryState.SUCCEEDED)
    result.failed = not_succeeded.count()
    for row in not_succeeded.order_by("pk")[:20]:
        result.details.append(f"delivery #{row.pk} {row.operation} {row.state}: {row.last_error[:200]}")
    return result
