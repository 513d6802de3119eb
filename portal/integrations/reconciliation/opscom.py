"""The OPS-COM side: is each vehicle's parking permit still there?

OPS-COM's API has no read (push, update and delete only), so "missing" is decided honestly from
what we can know (DECISION):

- a vehicle of an active permit without an OPS-COM reference is missing when its delivery history
  shows no successful push (a push answered "already exists" without a reference is not missing);
- a vehicle with a reference is probed by sending the update the portal last meant (same end,
  same plate, built by the delivery layer's payload code): success means OPS-COM holds it, error
  9009 "record not found" means it is missing. The probe writes nothing new at OPS-COM.

Vehicles with an open delivery in their sequence are not probed: the probe would overtake it.
"""

from __future__ import annotations

from django.db.models import F, QuerySet

from permits.choices import PermitStatus
from permits.models import Vehicle
from portal.integrations.delivery.models import DeliveryState, OutboundDelivery
from portal.integrations.http import PartnerError
from portal.integrations.opscom import operations as op
from portal.integrations.opscom.connection import opscom_client
from portal.integrations.opscom.errors import NOT_FOUND, reaction_for
from portal.integrations.opscom.payloads import update_arguments

from .compare import Finding
from .kinds import DriftKind


def vehicle_candidates() -> QuerySet[Vehicle]:
    return (
        Vehicle.objects.filter(removed_at__isnull=True, permit__status=PermitStatus.ACTIVE)
        .select_related("permit__community", "permit__property__community")
        .annotate(parking_reference=F("opscom__reference_id"))
        .order_by("pk")
    )


def pushed_vehicle_ids(vehicle_ids: list[int]) -> set[int]:
    """Vehicles (of these) with at least one successful ``parking.push`` in their history."""
    pushed = OutboundDelivery.objects.filter(
        subscriber="opscom",
        operation=op.PARKING_PUSH,
        state=DeliveryState.SUCCEEDED,
        target_type=Vehicle._meta.model_name,
        target_id__in=[str(pk) for pk in vehicle_ids],
    ).values_list("target_id", flat=True)
    return {int(pk) for pk in pushed}


def needs_probe(vehicle: Vehicle) -> bool:
    return bool(vehicle.parking_reference)


def check_without_reference(vehicle: Vehicle, *, pushed: bool) -> list[Finding]:
    if pushed:
        return []
    reason = "No successful push in its delivery history."
    return [Finding(DriftKind.PARKING_MISSING, {**_base(vehicle), "reason": reason, "error": vehicle.parking_error})]


def probe_vehicle(vehicle: Vehicle) -> list[Finding]:
    """Re-send the last intended update; 9009 means OPS-COM lost the permit. Other errors propagate."""
    try:
        opscom_client().update_permit(**update_arguments(vehicle, vehicle.parking_reference))
    except PartnerError as error:
        if reaction_for(error) != NOT_FOUND:
            raise
        reason = f"OPS-COM does not know reference {vehicle.parking_reference} (9009)."
        return [Finding(DriftKind.PARKING_MISSING, {**_base(vehicle), "reason": reason})]
    return []


def _base(vehicle: Vehicle) -> dict:
    permit = vehicle.permit
    return {
        "permit_id": permit.pk,
        "reference": permit.reference,
        "plate": vehicle.plate,
        "parking_reference": vehicle.parking_reference,
        "parking_state": vehicle.parking_state,
    }
