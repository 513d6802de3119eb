"""Workers and vehicles of a permit. Vehicles may change while the work goes on; parking follows their events."""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone

from portal.core.actors import Actor
from portal.core.events import domain_service
from portal.core.validation import on_field

from ..choices import PermitStatus
from ..models import Permit, Vehicle, Worker
from ..validators import clean_plate, normalize_worker
from ._common import audit_permit, lock_permit, require_editable

VEHICLE_EDITABLE_STATUSES = (
    PermitStatus.DRAFT,
    PermitStatus.CHANGES_REQUESTED,
    PermitStatus.APPROVED,
    PermitStatus.ACTIVE,
)
# A new labourer mid-job: workers are added to an approved or active permit too (the gates follow the event).
WORKER_ADDABLE_STATUSES = VEHICLE_EDITABLE_STATUSES


@domain_service
def worker_add(*, actor: Actor, permit: Permit, name: str, id_number: str, phone: str = "") -> Worker:
    permit = lock_permit(permit)
    if permit.status not in WORKER_ADDABLE_STATUSES:
        require_editable(permit)
    fields = normalize_worker(name=name, id_number=id_number, phone=phone, region=permit.community.country)
    worker = Worker.objects.create(permit=permit, **fields)
    audit_permit(permit, "permits.worker.added", actor=actor, data={"worker": worker.pk, "name": worker.name})
    return worker


@domain_service
def worker_remove(*, actor: Actor, worker: Worker) -> None:
    permit = lock_permit(worker.permit_id)
    require_editable(permit)
    audit_permit(permit, "permits.worker.removed", actor=actor, data={"worker": worker.pk, "name": worker.name})
    worker.delete()


def _require_vehicle_editable(permit: Permit) -> None:
    if permit.status not in VEHICLE_EDITABLE_STATUSES:
        require_editable(permit)


@domain_service
def vehicle_add(*, actor: Actor, permit: Permit, plate: str) -> Vehicle:
    permit = lock_permit(permit)
    _require_vehicle_editable(permit)
    with on_field("plate"):
        plate = clean_plate(plate)
    position = (permit.vehicles.aggregate(top=Max("position"))["top"] or 0) + 1
    vehicle = Vehicle.objects.create(permit=permit, plate=plate, position=position)
    audit_permit(permit, "permits.vehicle.added", actor=actor, data={"vehicle": vehicle.pk, "plate": plate})
    return vehicle


@domain_service
def vehicle_remove(*, actor: Actor, vehicle: Vehicle) -> Vehicle:
    permit = lock_permit(vehicle.permit_id)
    _require_vehicle_editable(permit)
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    vehicle.removed_at = timezone.now()
    vehicle.save(update_fields=["removed_at"])
    audit_permit(permit, "permits.vehicle.removed", actor=actor, data={"vehicle": vehicle.pk, "plate": vehicle.plate})
    return vehicle


@domain_service
def vehicle_change_plate(*, actor: Actor, vehicle: Vehicle, plate: str) -> Vehicle:
    permit = lock_permit(vehicle.permit_id)
    _require_vehicle_editable(permit)
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    with on_field("plate"):
        plate = clean_plate(plate)
    if plate == vehicle.plate:
        return vehicle
    audit_permit(
        permit,
        "permits.vehicle.plate_changed",
        actor=actor,
        data={"vehicle": vehicle.pk, "plate": [vehicle.plate, plate]},
    )
    vehicle.plate = plate
    vehicle.save(update_fields=["plate"])
    return vehicle
