"""Writes that record what Buzz-In and OPS-COM answered to the portal's own calls.

Webhooks are ``partner_events``; these follow a delivery's answer. Each is one transaction with an
audit event, written only when something changed, so a redelivered answer writes nothing.
"""

from __future__ import annotations

from django.db import transaction

from portal.core.actors import Actor

from ..choices import ParkingState
from ..models import Permit, Vehicle
from ._common import audit_permit, lock_permit

PARKING_ERROR_CHARS = 300


@transaction.atomic
def permit_record_buzzin_id(
    *, permit: Permit | int, buzzin_id: str, status_name: str = "", actor: Actor | None = None
) -> Permit:
    """Buzz-In created (or already held) the permit under ``buzzin_id``.

    ``status_name`` is kept only until a webhook has spoken: webhooks are applied in Buzz-In's order,
    an answer to our own call carries no such order.
    """
    permit = lock_permit(permit)
    before = (permit.buzzin_id, permit.buzzin_status)
    permit.buzzin_id = buzzin_id or permit.buzzin_id
    if status_name and permit.buzzin_event_at is None:
        permit.buzzin_status = status_name[:32]
    if (permit.buzzin_id, permit.buzzin_status) == before:
        return permit
    permit.save(update_fields=["buzzin_id", "buzzin_status", "updated_at"])
    audit_permit(
        permit,
        "permits.permit.buzzin_recorded",
        actor=actor or Actor.partner("Buzz-In"),
        data={"buzzin_id": permit.buzzin_id, "buzzin_status": permit.buzzin_status},
    )
    return permit


@transaction.atomic
def vehicle_parking_applied(
    *,
    vehicle: Vehicle | int,
    reference_id: str | None,
    state: ParkingState,
    error: str = "",
    actor: Actor | None = None,
) -> Vehicle:
    """OPS-COM's answer for a vehicle's parking permit; ``reference_id=None`` keeps the stored one."""
    pk = vehicle.pk if isinstance(vehicle, Vehicle) else vehicle
    vehicle = Vehicle.objects.select_for_update().select_related("permit__community").get(pk=pk)
    before = (vehicle.parking_reference, vehicle.parking_state, vehicle.parking_error)
    if reference_id:
        vehicle.parking_reference = reference_id
    vehicle.parking_state = state
    vehicle.parking_error = (error or "")[:PARKING_ERROR_CHARS]
    after = (vehicle.parking_reference, vehicle.parking_state, vehicle.parking_error)
    if after == before:
        return vehicle
    vehicle.save(update_fields=["parking_reference", "parking_state", "parking_error"])
    audit_permit(
        vehicle.permit,
        f"permits.vehicle.parking_{state}",
        actor=actor or Actor.partner("OPS-COM"),
        reason=vehicle.parking_error,
        data={
            "vehicle": vehicle.pk,
            "plate": vehicle.plate,
            "reference_id": vehicle.parking_reference,
            "parking_state": [before[1], vehicle.parking_state],
        },
    )
    return vehicle
