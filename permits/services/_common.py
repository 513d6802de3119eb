"""What the permit services share: locking, moves through the table, facts for the rules, outbox."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.core.actors import Actor
from portal.core.choices import Operation, Partner
from portal.core.services import audit_record, outbox_enqueue

from ..choices import ParkingState
from ..models import Permit, Vehicle
from ..transitions import EDITABLE_STATUSES, Move, status_phrase, target_status

MOVE_EVENTS = {
    Move.SUBMIT: "submitted",
    Move.APPROVE: "approved",
    Move.REJECT: "rejected",
    Move.REQUEST_CHANGES: "changes_requested",
    Move.CANCEL: "cancelled",
    Move.ACTIVATE: "activated",
    Move.EXTEND: "extended",
    Move.REVOKE: "revoked",
    Move.REISSUE: "reissue_requested",
    Move.EXPIRE: "expired",
    Move.ARCHIVE: "archived",
}
LIVE_PARKING_STATES = (ParkingState.REQUESTED, ParkingState.ACTIVE, ParkingState.FAILED)


def lock_permit(permit: Permit | int) -> Permit:
    pk = permit.pk if isinstance(permit, Permit) else permit
    return Permit.objects.select_for_update().select_related("community", "contractor", "property").get(pk=pk)


def apply_move(permit: Permit, move: Move, *, actor: Actor, reason: str = "", data: dict | None = None) -> str:
    """Move ``permit`` (already locked) along the table and write its audit event; returns the old status."""
    from_status = permit.status
    permit.status = target_status(from_status, move)
    if permit.status != from_status:
        permit.status_changed_at = timezone.now()
    audit_record(
        actor=actor,
        target=permit,
        action=f"permits.permit.{MOVE_EVENTS[move]}",
        community=permit.community,
        from_status=from_status,
        to_status=permit.status,
        reason=reason,
        data=data,
    )
    return from_status


def audit_permit(permit: Permit, action: str, *, actor: Actor, reason: str = "", data: dict | None = None) -> None:
    audit_record(
        actor=actor,
        target=permit,
        action=action,
        community=permit.community,
        from_status=permit.status,
        to_status=permit.status,
        reason=reason,
        data=data,
    )


def require_editable(permit: Permit) -> None:
    if permit.status not in EDITABLE_STATUSES:
        raise ValidationError(f"{status_phrase(permit.status)} can no longer be edited.", code="not_editable")


def require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(f"Give a reason {what}.", code="reason_required")
    return reason


def enqueue_buzzin(permit: Permit, operation: Operation, params: dict | None = None) -> None:
    outbox_enqueue(
        partner=Partner.BUZZIN,
        operation=operation,
        target=permit,
        community=permit.community,
        sequence_key=f"permit:{permit.pk}",
        params=params,
    )


def enqueue_parking(vehicle: Vehicle, permit: Permit, operation: Operation, params: dict | None = None) -> None:
    if operation == Operation.PARKING_PUSH:
        vehicle.parking_state = ParkingState.REQUESTED
        vehicle.save(update_fields=["parking_state"])
    outbox_enqueue(
        partner=Partner.OPSCOM,
        operation=operation,
        target=vehicle,
        community=permit.community,
        sequence_key=f"vehicle:{vehicle.pk}",
        params=params,
    )


def parked_vehicles(permit: Permit) -> list[Vehicle]:
    """Vehicles that hold (or are about to hold) an OPS-COM parking permit."""
    return list(permit.vehicles.filter(removed_at__isnull=True, parking_state__in=LIVE_PARKING_STATES))


def parking_follow_validity(permit: Permit, *, start_moved: bool) -> None:
    """The parking permits take the permit's new window (OPS-COM's update has no start: delete and push)."""
    for vehicle in parked_vehicles(permit):
        if start_moved:
            enqueue_parking(vehicle, permit, Operation.PARKING_DELETE)
            enqueue_parking(vehicle, permit, Operation.PARKING_PUSH)
        else:
            enqueue_parking(vehicle, permit, Operation.PARKING_UPDATE)


def release_parking(permit: Permit) -> None:
    for vehicle in parked_vehicles(permit):
        enqueue_parking(vehicle, permit, Operation.PARKING_DELETE)
