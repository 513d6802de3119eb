"""Writes that follow what an outside system (the gates' pass issuer, the parking operator) reports.

The rules, in one place:
- a status only moves forward along ``STATUS_RANK``: a report never moves a permit backwards;
- activation (approved → active) is applied whenever the pass arrives, since it cannot move the permit back;
- the caller says whether the report is the newest one it applied (``fresh``): validity and pass details
  carried by an older report are not applied over a newer one; the partner's own bookkeeping of that
  order lives with the partner (``portal.integrations``);
- gate scans are a log: recorded whatever their order.
Nothing here names who reported: the actor does, and the subscribers do not echo a change back to it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from portal.core.actors import Actor
from portal.core.events import domain_service
from portal.core.outcomes import PartnerOutcome
from portal.core.storage import StoredFile

from ..choices import ParkingState, ScanDirection, ScanKind
from ..choices import PermitStatus as S
from ..models import GateScan, Permit, Vehicle
from ..rules import permit_end_moment
from ..transitions import STATUS_RANK, TRANSITIONS, Move, target_status
from ._common import apply_move, audit_permit, lock_permit
from .lifecycle import permit_archive, permit_expire, permit_pass_issue, permit_revoke
from .scan_counts import scan_hour_count, scan_off_hours_mark, worker_presence_move

CLOCK_SLACK = datetime.timedelta(seconds=1)  # partners keep milliseconds; the portal microseconds
PARKING_ERROR_CHARS = 300


@dataclass(frozen=True)
class PassDetails:
    pass_number: str = ""
    access_code: str = ""
    documentation_url: str = ""


class _Notes:
    def __init__(self):
        self.changes: list[str] = []
        self.skips: list[str] = []

    def outcome(self, permit: Permit, nothing: str = "nothing to change") -> PartnerOutcome:
        return PartnerOutcome(bool(self.changes), "; ".join(self.changes + self.skips) or nothing, permit)


@domain_service
def permit_apply_pass_issued(
    *,
    actor: Actor,
    permit: Permit,
    fresh: bool,
    details: PassDetails,
    qr_image: StoredFile | None = None,
    valid_from: datetime.datetime | None = None,
    valid_till: datetime.datetime | None = None,
    validity_reason: str = "Validity changed by the pass issuer.",
) -> PartnerOutcome:
    """The pass was issued (or reissued): an approved permit becomes active, an active one gets the new code."""
    permit = lock_permit(permit)
    if STATUS_RANK[permit.status] > STATUS_RANK[S.ACTIVE]:
        return PartnerOutcome(False, f"the permit is {permit.get_status_display().lower()}: it stays so", permit)
    if permit.status != S.ACTIVE:
        target_status(permit.status, Move.ACTIVATE)  # a permit the portal has not approved is an error
    notes = _Notes()
    if fresh:
        _apply_validity(permit, actor, valid_from, valid_till, notes, reason=validity_reason)
    else:
        notes.skips.append("older than the last applied event: validity kept")
    activating = permit.status != S.ACTIVE
    if activating or (fresh and _is_new_pass(permit, details, qr_image)):
        notes.changes.append("activated" if activating else "pass reissued")
        permit = permit_pass_issue(
            actor=actor,
            permit=permit,
            pass_number=details.pass_number,
            access_code=details.access_code,
            qr_image=qr_image,
            documentation_url=details.documentation_url,
        )
    elif fresh:
        notes.skips.append("pass already applied")
    return notes.outcome(permit)


@domain_service
def permit_apply_external_update(
    *,
    actor: Actor,
    permit: Permit,
    status: S | None = None,
    reason: str = "",
    valid_from: datetime.datetime | None = None,
    valid_till: datetime.datetime | None = None,
    details: PassDetails = PassDetails(),
    validity_reason: str = "Validity changed by the pass issuer.",
) -> PartnerOutcome:
    """The outside system's truth about validity and status; ``status`` is a terminal status it moved the permit to.

    The caller applies only reports newer than the last one it applied.
    """
    permit = lock_permit(permit)
    notes = _Notes()
    if status and status != permit.status:
        permit = _external_move(permit, status, actor=actor, reason=reason, notes=notes)
    if STATUS_RANK[permit.status] <= STATUS_RANK[S.ACTIVE]:
        _apply_validity(permit, actor, valid_from, valid_till, notes, reason=validity_reason)
    if permit.status == S.ACTIVE:
        _apply_pass_details(permit, actor, details, notes)
    return notes.outcome(permit)


@domain_service
def permit_apply_external_expiry(
    *, actor: Actor, permit: Permit, valid_till: datetime.datetime | None = None
) -> PartnerOutcome:
    """The pass expired outside; ignored when the permit was extended (or moved on) since."""
    permit = lock_permit(permit)
    if STATUS_RANK[permit.status] >= STATUS_RANK[S.EXPIRED]:
        return PartnerOutcome(False, f"the permit is already {permit.get_status_display().lower()}", permit)
    if valid_till and valid_till + CLOCK_SLACK < permit.valid_till:
        return PartnerOutcome(False, "the permit was extended after this expiry: ignored", permit)
    if permit.status not in TRANSITIONS[Move.EXPIRE][0]:
        return PartnerOutcome(False, f"a {permit.get_status_display().lower()} permit cannot expire", permit)
    permit = permit_expire(actor=actor, permit=permit)
    return PartnerOutcome(True, "expired", permit)


@domain_service
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
        after_end=scanned_at > permit_end_moment(permit),
    )
    changed = scan_off_hours_mark(permit=permit, scan=scan)
    scan_hour_count(permit=permit, scan=scan)
    worker_presence_move(permit=permit, scan=scan)
    if permit.work_started_at is None or scanned_at < permit.work_started_at:
        permit.work_started_at = scanned_at
        changed.append("work_started_at")
    if changed:
        permit.save(update_fields=[*changed, "updated_at"])
    audit_permit(
        permit,
        "permits.gate_scan.recorded",
        actor=actor,
        data={
            "kind": kind,
            "direction": direction,
            "gate": gate,
            "scanned_at": scanned_at.isoformat(),
            **({"after_end": True} if scan.after_end else {}),
        },
    )
    return PartnerOutcome(True, f"{scan.get_kind_display().lower()} recorded", scan)


@domain_service
def vehicle_parking_record(*, actor: Actor, vehicle: Vehicle | int, state: ParkingState, error: str = "") -> Vehicle:
    """The parking operator's answer for a vehicle's parking permit; written only when something changed."""
    pk = vehicle.pk if isinstance(vehicle, Vehicle) else vehicle
    rows = Vehicle.objects.select_for_update(of=("self",), no_key=True)  # the permit and community are only read
    vehicle = rows.select_related("permit__community").get(pk=pk)
    before = (vehicle.parking_state, vehicle.parking_error)
    vehicle.parking_state = state
    vehicle.parking_error = (error or "")[:PARKING_ERROR_CHARS]
    if (vehicle.parking_state, vehicle.parking_error) == before:
        return vehicle
    vehicle.save(update_fields=["parking_state", "parking_error"])
    audit_permit(
        vehicle.permit,
        f"permits.vehicle.parking_{state}",
        actor=actor,
        reason=vehicle.parking_error,
        data={"vehicle": vehicle.pk, "plate": vehicle.plate, "parking_state": [before[0], vehicle.parking_state]},
    )
    return vehicle


def vehicles_parking_requested(vehicle_ids: list[int]) -> None:
    """Parking was asked for these vehicles (their requests are on their way): shown as "requested"."""
    if vehicle_ids:
        Vehicle.objects.filter(pk__in=vehicle_ids).update(parking_state=ParkingState.REQUESTED, parking_error="")


def _external_move(permit: Permit, status: S, *, actor: Actor, reason: str, notes: _Notes) -> Permit:
    """Follow the outside system to a terminal status, forward only and as the transition table allows."""
    moves = {S.ARCHIVED: Move.ARCHIVE, S.REVOKED: Move.REVOKE, S.EXPIRED: Move.EXPIRE}
    move = moves.get(status)
    if move is None or STATUS_RANK[status] <= STATUS_RANK[permit.status] or permit.status not in TRANSITIONS[move][0]:
        notes.skips.append(f"status {status} not applied to a {permit.get_status_display().lower()} permit")
        return permit
    label = status.label.lower()
    if move == Move.ARCHIVE:
        permit = permit_archive(actor=actor, permit=permit, reason=reason or f"{label.capitalize()} by {actor.label}.")
    elif move == Move.EXPIRE:
        permit = permit_expire(actor=actor, permit=permit)
    else:
        permit = permit_revoke(actor=actor, permit=permit, reason=reason or f"{label.capitalize()} by {actor.label}.")
    notes.changes.append(status)
    return permit


def _apply_validity(permit: Permit, actor: Actor, valid_from, valid_till, notes: _Notes, *, reason: str) -> None:
    """The reported validity; parking follows the ``extended`` event as for ``permit_extend``."""
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
    data = {
        "valid_from": [permit.valid_from.isoformat(), new_from.isoformat()],
        "valid_till": [permit.valid_till.isoformat(), new_till.isoformat()],
    }
    permit.valid_from, permit.valid_till = new_from, new_till
    apply_move(permit, Move.EXTEND, actor=actor, reason=reason, data=data)
    permit.save()
    notes.changes.append("validity changed")


def _apply_pass_details(permit: Permit, actor: Actor, details: PassDetails, notes: _Notes) -> None:
    values = {
        "pass_number": details.pass_number,
        "access_code": details.access_code,
        "pass_documentation_url": details.documentation_url,
    }
    changed = {name: value for name, value in values.items() if value and value != getattr(permit, name)}
    if not changed:
        return
    for name, value in changed.items():
        setattr(permit, name, value)
    permit.save(update_fields=[*changed, "updated_at"])
    audit_permit(permit, "permits.pass.updated", actor=actor, data={"fields": sorted(changed)})
    notes.changes.append("pass details changed")


def _is_new_pass(permit: Permit, details: PassDetails, qr_image: StoredFile | None) -> bool:
    return (
        bool(details.access_code and details.access_code != permit.access_code)
        or bool(details.pass_number and details.pass_number != permit.pass_number)
        or bool(qr_image is not None and not permit.qr_image)
    )


def _same_moment(value: datetime.datetime | None, current: datetime.datetime) -> bool:
    return value is None or abs(value - current) < CLOCK_SLACK
