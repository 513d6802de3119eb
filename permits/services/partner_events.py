"""Writes that follow what Buzz-In reports by webhook, applied in the order Buzz-In made them.

The order rules, in one place:
- data carried by an event (validity, pass fields, Buzz-In status) is applied only when the event is not older
  than the last one applied (``Permit.buzzin_event_at``, Buzz-In's ``createdAt``);
- a status only moves forward along ``STATUS_RANK``; activation (approved → active) is applied even from an
  older event, since it cannot move the permit backwards;
- gate scans are a log: recorded whatever their order, they do not count as "the last applied event".
Nothing here tells Buzz-In what it just told us (no echo); parking follows as it does for the portal's own moves.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from contractors.choices import BuzzinContractorState, MembershipStatus
from contractors.models import ContractorMembership
from contractors.partner_events import PartnerOutcome, is_stale, membership_apply_buzzin_state
from portal.core.actors import Actor

from ..choices import PermitStatus as S
from ..choices import ScanDirection, ScanKind
from ..models import GateScan, Permit
from ..transitions import STATUS_RANK, TRANSITIONS, Move, target_status
from ._common import apply_move, audit_permit, lock_permit, parking_follow_validity, release_parking
from .contractors import contractor_revoke
from .lifecycle import permit_archive, permit_expire, permit_pass_issue

CLOCK_SLACK = datetime.timedelta(seconds=1)  # Buzz-In keeps milliseconds; the portal microseconds
STALE_NOTE = "older than the last applied Buzz-In event: ignored"


class _Notes:
    def __init__(self):
        self.changes: list[str] = []
        self.skips: list[str] = []

    def outcome(self, permit: Permit, nothing: str = "nothing to change") -> PartnerOutcome:
        return PartnerOutcome(bool(self.changes), "; ".join(self.changes + self.skips) or nothing, permit)


@transaction.atomic
def permit_apply_pass_issued(
    *,
    actor: Actor,
    permit: Permit,
    event_at: datetime.datetime,
    pass_number: str = "",
    access_code: str = "",
    qr_png: bytes | None = None,
    documentation_url: str = "",
    buzzin_id: str = "",
    valid_from: datetime.datetime | None = None,
    valid_till: datetime.datetime | None = None,
    partner_status: str = "",
) -> PartnerOutcome:
    """Buzz-In issued (or reissued) the pass: an approved permit becomes active, an active one gets the new code."""
    permit = lock_permit(permit)
    if STATUS_RANK[permit.status] > STATUS_RANK[S.ACTIVE]:
        return PartnerOutcome(False, f"the permit is {permit.get_status_display().lower()}: it stays so", permit)
    if permit.status != S.ACTIVE:
        target_status(permit.status, Move.ACTIVATE)  # a permit the portal has not approved is an error
    stale = is_stale(permit.buzzin_event_at, event_at)
    notes = _Notes()
    if stale:
        notes.skips.append("older than the last applied event: validity kept")
    else:
        _apply_validity(permit, actor, valid_from, valid_till, notes)
    activating = permit.status != S.ACTIVE
    if activating or (not stale and _is_new_pass(permit, pass_number, access_code, qr_png)):
        notes.changes.append("activated" if activating else "pass reissued")
        permit = permit_pass_issue(
            actor=actor,
            permit=permit,
            pass_number=pass_number,
            access_code=access_code,
            qr_png=qr_png,
            documentation_url=documentation_url,
            buzzin_id=buzzin_id,
        )
    elif not stale:
        notes.skips.append("pass already applied")
    _record_event(permit, event_at, partner_status, stale=stale)
    return notes.outcome(permit)


@transaction.atomic
def permit_apply_partner_update(
    *,
    actor: Actor,
    permit: Permit,
    event_at: datetime.datetime,
    status: S | None = None,
    partner_status: str = "",
    reason: str = "",
    valid_from: datetime.datetime | None = None,
    valid_till: datetime.datetime | None = None,
    pass_number: str = "",
    access_code: str = "",
    documentation_url: str = "",
    buzzin_id: str = "",
) -> PartnerOutcome:
    """Buzz-In's truth about validity and status; ``status`` is a terminal status Buzz-In moved the permit to."""
    permit = lock_permit(permit)
    if is_stale(permit.buzzin_event_at, event_at):
        return PartnerOutcome(False, STALE_NOTE, permit)
    notes = _Notes()
    if status and status != permit.status:
        permit = _partner_move(permit, status, actor=actor, reason=reason, notes=notes)
    if STATUS_RANK[permit.status] <= STATUS_RANK[S.ACTIVE]:
        _apply_validity(permit, actor, valid_from, valid_till, notes)
    if permit.status == S.ACTIVE:
        _apply_pass_fields(permit, actor, (pass_number, access_code, documentation_url), notes)
    permit.buzzin_id = permit.buzzin_id or buzzin_id
    _record_event(permit, event_at, partner_status, stale=False)
    return notes.outcome(permit)


@transaction.atomic
def permit_apply_partner_expiry(
    *,
    actor: Actor,
    permit: Permit,
    event_at: datetime.datetime,
    valid_till: datetime.datetime | None = None,
    partner_status: str = "EXPIRED",
) -> PartnerOutcome:
    """Buzz-In says the pass expired; ignored when the permit was extended (or moved on) since."""
    permit = lock_permit(permit)
    if STATUS_RANK[permit.status] >= STATUS_RANK[S.EXPIRED]:
        return PartnerOutcome(False, f"the permit is already {permit.get_status_display().lower()}", permit)
    if is_stale(permit.buzzin_event_at, event_at):
        return PartnerOutcome(False, STALE_NOTE, permit)
    if valid_till and valid_till + CLOCK_SLACK < permit.valid_till:
        return PartnerOutcome(False, "the permit was extended after this expiry: ignored", permit)
    if permit.status not in TRANSITIONS[Move.EXPIRE][0]:
        return PartnerOutcome(False, f"a {permit.get_status_display().lower()} permit cannot expire", permit)
    permit = permit_expire(actor=actor, permit=permit)
    _record_event(permit, event_at, partner_status, stale=False)
    return PartnerOutcome(True, "expired", permit)


@transaction.atomic
def gate_scan_record(
    *,
    actor: Actor,
    permit: Permit,
    event_id: str,
    scanned_at: datetime.datetime,
    kind: ScanKind = ScanKind.SCANNED,
    direction: ScanDirection = ScanDirection.UNKNOWN,
    gate: str = "",
    employee_name: str = "",
) -> PartnerOutcome:
    """One scan of the pass at a gate, once per event; the earliest scan marks when the work started."""
    permit = lock_permit(permit)
    existing = GateScan.objects.filter(event_id=event_id).first()
    if existing is not None:
        return PartnerOutcome(False, "scan already recorded", existing)
    scan = GateScan.objects.create(
        permit=permit,
        event_id=event_id,
        kind=kind,
        scanned_at=scanned_at,
        direction=direction,
        gate=gate,
        employee_name=employee_name,
    )
    if permit.work_started_at is None or scanned_at < permit.work_started_at:
        permit.work_started_at = scanned_at
        permit.save(update_fields=["work_started_at", "updated_at"])
    audit_permit(
        permit,
        "permits.gate_scan.recorded",
        actor=actor,
        data={"kind": kind, "direction": direction, "gate": gate, "scanned_at": scanned_at.isoformat()},
    )
    return PartnerOutcome(True, f"{scan.get_kind_display().lower()} recorded", scan)


@transaction.atomic
def contractor_apply_partner_removal(
    *, actor: Actor, membership: ContractorMembership, event_at: datetime.datetime, buzzin_id: str = ""
) -> PartnerOutcome:
    """Buzz-In removed the contractor from the community: revoke it here too (its permits are archived)."""
    membership = ContractorMembership.objects.select_for_update().get(pk=membership.pk)
    if is_stale(membership.buzzin_event_at, event_at):
        return PartnerOutcome(False, STALE_NOTE, membership)
    outcome = membership_apply_buzzin_state(
        actor=actor, membership=membership, state=BuzzinContractorState.REMOVED, event_at=event_at, buzzin_id=buzzin_id
    )
    membership = outcome.target
    if membership.status != MembershipStatus.APPROVED:
        return outcome
    archivable, _ = TRANSITIONS[Move.ARCHIVE]
    live = Permit.objects.filter(
        contractor_id=membership.contractor_id, community_id=membership.community_id, status__in=archivable
    ).count()
    membership = contractor_revoke(
        actor=actor, membership=membership, reason="Removed from the community at Buzz-In.", notify_buzzin=False
    )
    return PartnerOutcome(True, f"contractor revoked, {live} permit(s) archived", membership)


def _partner_move(permit: Permit, status: S, *, actor: Actor, reason: str, notes: _Notes) -> Permit:
    """Follow Buzz-In to a terminal status, forward only and as the transition table allows."""
    moves = {S.ARCHIVED: Move.ARCHIVE, S.REVOKED: Move.REVOKE, S.EXPIRED: Move.EXPIRE}
    move = moves.get(status)
    if move is None or STATUS_RANK[status] <= STATUS_RANK[permit.status] or permit.status not in TRANSITIONS[move][0]:
        notes.skips.append(f"status {status} not applied to a {permit.get_status_display().lower()} permit")
        return permit
    if move == Move.ARCHIVE:
        permit = permit_archive(actor=actor, permit=permit, reason=reason or "Archived at Buzz-In.")
    elif move == Move.EXPIRE:
        permit = permit_expire(actor=actor, permit=permit)
    else:
        permit = _revoke_without_echo(permit, actor=actor, reason=reason or "Revoked at Buzz-In.")
    notes.changes.append(status)
    return permit


def _revoke_without_echo(permit: Permit, *, actor: Actor, reason: str) -> Permit:
    """``permit_revoke`` without the pass revoke back to Buzz-In, which revoked it already."""
    apply_move(permit, Move.REVOKE, actor=actor, reason=reason)
    permit.revocation_reason = reason
    permit.save()
    release_parking(permit)
    return permit


def _apply_validity(permit: Permit, actor: Actor, valid_from, valid_till, notes: _Notes) -> None:
    """Buzz-In's validity, without sending it back; parking follows as for ``permit_extend``."""
    new_from = permit.valid_from if _same_moment(valid_from, permit.valid_from) else valid_from
    new_till = permit.valid_till if _same_moment(valid_till, permit.valid_till) else valid_till
    if (new_from, new_till) == (permit.valid_from, permit.valid_till):
        return
    if new_till <= new_from:
        notes.skips.append("validity not applied: it would end before it starts")
        return
    if permit.status not in TRANSITIONS[Move.EXTEND][0]:
        notes.skips.append(f"validity not applied to a {permit.get_status_display().lower()} permit")
        return
    start_moved = new_from != permit.valid_from
    data = {
        "valid_from": [permit.valid_from.isoformat(), new_from.isoformat()],
        "valid_till": [permit.valid_till.isoformat(), new_till.isoformat()],
    }
    permit.valid_from, permit.valid_till = new_from, new_till
    apply_move(permit, Move.EXTEND, actor=actor, reason="Validity changed at Buzz-In.", data=data)
    permit.save()
    parking_follow_validity(permit, start_moved=start_moved)
    notes.changes.append("validity changed")


def _apply_pass_fields(permit: Permit, actor: Actor, values: tuple[str, str, str], notes: _Notes) -> None:
    names = ("pass_number", "access_code", "pass_documentation_url")
    changed = {
        name: value for name, value in zip(names, values, strict=True) if value and value != getattr(permit, name)
    }
    if not changed:
        return
    for name, value in changed.items():
        setattr(permit, name, value)
    audit_permit(permit, "permits.pass.updated", actor=actor, data={"fields": sorted(changed)})
    notes.changes.append("pass details changed")


def _is_new_pass(permit: Permit, pass_number: str, access_code: str, qr_png: bytes | None) -> bool:
    return (
        bool(access_code and access_code != permit.access_code)
        or bool(pass_number and pass_number != permit.pass_number)
        or bool(qr_png and not permit.qr_image)
    )


def _same_moment(value: datetime.datetime | None, current: datetime.datetime) -> bool:
    return value is None or abs(value - current) < CLOCK_SLACK


def _record_event(permit: Permit, event_at: datetime.datetime, partner_status: str, *, stale: bool) -> None:
    """Remember the newest event applied (and Buzz-In's status then); an older one only fills gaps."""
    if not stale:
        permit.buzzin_event_at = event_at
        permit.buzzin_status = partner_status[:32] or permit.buzzin_status
    elif not permit.buzzin_status:
        permit.buzzin_status = partner_status[:32]
    permit.save()
