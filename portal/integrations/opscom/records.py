"""OPS-COM's answers, recorded: the reference here, the vehicle's parking state through the domain."""

from __future__ import annotations

from django.db import transaction

from permits.choices import ParkingState
from permits.models import Vehicle
from permits.services.external import vehicle_parking_record
from portal.core.actors import Actor
from portal.core.events import event_record

from ..locking import locked_row
from .models import OpscomParking

OPSCOM = Actor.partner("OPS-COM")


def parking_reference(vehicle: Vehicle | int) -> str:
    vehicle_id = vehicle.pk if isinstance(vehicle, Vehicle) else vehicle
    return OpscomParking.objects.filter(vehicle_id=vehicle_id).values_list("reference_id", flat=True).first() or ""


@transaction.atomic
def opscom_parking_record(
    *, vehicle: Vehicle, reference_id: str | None, state: ParkingState, error: str = ""
) -> Vehicle:
    """OPS-COM's answer for a vehicle's parking permit; ``reference_id=None`` keeps the stored one."""
    if reference_id:
        link = locked_row(OpscomParking, vehicle_id=vehicle.pk)
        if link.reference_id != reference_id:
            previous, link.reference_id = link.reference_id, reference_id
            link.save()
            event_record(
                actor=OPSCOM,
                target=vehicle,
                action="integrations.opscom.reference_recorded",
                community=vehicle.permit.community,
                data={"plate": vehicle.plate, "reference_id": reference_id, "previous": previous},
            )
    return vehicle_parking_record(actor=OPSCOM, vehicle=vehicle, state=state, error=error)
