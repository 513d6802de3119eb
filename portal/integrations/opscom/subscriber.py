"""OPS-COM follows the domain: a parking permit per vehicle while the permit's pass is live.

| event                                            | operations, per vehicle                        |
|--------------------------------------------------|------------------------------------------------|
| permits.permit.activated                         | parking.push for each vehicle on the permit    |
| permits.permit.extended                          | parking.update (end moved) or delete + push    |
|                                                  | (start moved: OPS-COM's update has no start)   |
| permits.permit.revoked / expired / archived      | parking.delete for each parked vehicle         |
| permits.vehicle.added (active permit)            | parking.push                                   |
| permits.vehicle.removed (parked)                 | parking.delete                                 |
| permits.vehicle.plate_changed (parked)           | parking.update                                 |

"Parked" is the domain's own fact (``Vehicle.parking_state``); a push marks the vehicle "requested".
Every event is handled with a fixed number of queries for the whole batch (the expiry sweep sends
thousands at once).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import NamedTuple

from django.conf import settings
from django.db.models import F

from permits.choices import ParkingState, PermitStatus
from permits.models import Vehicle
from permits.services.external import vehicles_parking_requested
from portal.core.lookups import AnyOf
from portal.core.models import AuditEvent

from ..delivery.models import OutboundDelivery
from ..delivery.outcome import Outcome
from ..delivery.planning import Planned
from ..delivery.subscriber import DeliverySubscriber
from ..http import CallRecord, PartnerError
from . import attention, handlers
from . import operations as op
from .connection import opscom_client

PARKED_STATES = (ParkingState.REQUESTED, ParkingState.ACTIVE, ParkingState.FAILED)
PASS_ENDED = ("permits.permit.revoked", "permits.permit.expired", "permits.permit.archived")
VEHICLE_EVENTS = ("permits.vehicle.added", "permits.vehicle.removed", "permits.vehicle.plate_changed")


class _Vehicle(NamedTuple):
    """What planning reads of a vehicle (thousands at once for a sweep: no model instances)."""

    pk: int
    permit_id: int
    parking_state: str


class OpscomSubscriber(DeliverySubscriber):
    name = "opscom"
    label = "OPS-COM"
    operations = op.LABELS

    def receive(self, events: Sequence[AuditEvent]) -> None:
        super().receive(events)
        attention.resend_after_fix(events)

    def plan(self, events: Sequence[AuditEvent]) -> list[Planned]:
        by_permit = _vehicles_of_permits(events)
        by_id = _vehicles_by_id(events)
        planned: list[Planned] = []
        pushed: list[int] = []
        for event in events:
            for operation, vehicle in self._operations(event, by_permit, by_id):
                planned.append(_vehicle_op(event, vehicle, operation))
                if operation == op.PARKING_PUSH:
                    pushed.append(vehicle.pk)
        vehicles_parking_requested(pushed)
        return planned

    def _operations(self, event: AuditEvent, by_permit: dict, by_id: dict) -> list[tuple[str, _Vehicle]]:
        vehicles = by_permit.get(event.target_id, [])
        if event.action == "permits.permit.activated":
            return [(op.PARKING_PUSH, vehicle) for vehicle in vehicles]
        if event.action == "permits.permit.extended":
            parked = [vehicle for vehicle in vehicles if vehicle.parking_state in PARKED_STATES]
            if _start_moved(event):
                return [(operation, v) for v in parked for operation in (op.PARKING_DELETE, op.PARKING_PUSH)]
            return [(op.PARKING_UPDATE, vehicle) for vehicle in parked]
        if event.action in PASS_ENDED:
            return [(op.PARKING_DELETE, vehicle) for vehicle in vehicles if vehicle.parking_state in PARKED_STATES]
        vehicle = by_id.get(_vehicle_id(event))
        if vehicle is None:
            return []
        if event.action == "permits.vehicle.added" and event.to_status == PermitStatus.ACTIVE:
            return [(op.PARKING_PUSH, vehicle)]
        if event.action == "permits.vehicle.removed" and vehicle.parking_state in PARKED_STATES:
            return [(op.PARKING_DELETE, vehicle)]
        if event.action == "permits.vehicle.plate_changed" and vehicle.parking_state in PARKED_STATES:
            return [(op.PARKING_UPDATE, vehicle)]
        return []

    # --- delivery ---

    def load_target(self, delivery: OutboundDelivery) -> Vehicle:
        return handlers.load_target(delivery)

    def send(self, delivery: OutboundDelivery, target) -> Outcome:
        handler = handlers.HANDLERS.get(delivery.operation)
        if handler is None:
            return super().send(delivery, target)
        return handler(delivery, target, opscom_client())

    def error_outcome(self, error: PartnerError, calls: list[CallRecord]) -> Outcome:
        return handlers.error_outcome(error, calls)

    def on_failed(self, delivery: OutboundDelivery, target, message: str) -> None:
        handlers.on_failed(delivery, target, message)
        attention.note_failure(delivery, target)

    def on_succeeded(self, delivery: OutboundDelivery, target) -> None:
        attention.note_success(delivery, target)

    def secrets(self, delivery: OutboundDelivery) -> tuple[str, ...]:
        return (settings.OPSCOM_API_TOKEN,)


def _vehicles_of_permits(events: Sequence[AuditEvent]) -> dict[str, list[_Vehicle]]:
    """The live (not removed) vehicles of every permit an event is about, in one query."""
    permit_ids = {
        int(event.target_id)
        for event in events
        if event.target_type == "permit"
        and event.action in ("permits.permit.activated", "permits.permit.extended", *PASS_ENDED)
    }
    if not permit_ids:
        return {}
    by_permit: dict[str, list[_Vehicle]] = {}
    rows = Vehicle.objects.filter(AnyOf(F("permit_id"), permit_ids), removed_at__isnull=True).order_by("position", "pk")
    for vehicle in map(_Vehicle._make, rows.values_list(*_Vehicle._fields)):
        by_permit.setdefault(str(vehicle.permit_id), []).append(vehicle)
    return by_permit


def _vehicles_by_id(events: Sequence[AuditEvent]) -> dict[int, _Vehicle]:
    ids = {_vehicle_id(event) for event in events if event.action in VEHICLE_EVENTS} - {None}
    if not ids:
        return {}
    rows = Vehicle.objects.filter(pk__in=ids).values_list(*_Vehicle._fields)
    return {vehicle.pk: vehicle for vehicle in map(_Vehicle._make, rows)}


def _vehicle_id(event: AuditEvent) -> int | None:
    value = event.data.get("vehicle") if isinstance(event.data, dict) else None
    return int(value) if value is not None else None


def _start_moved(event: AuditEvent) -> bool:
    valid_from = event.data.get("valid_from") if isinstance(event.data, dict) else None
    if not valid_from:
        return False
    before, after = (datetime.datetime.fromisoformat(value) for value in valid_from)
    return before != after


def _vehicle_op(event: AuditEvent, vehicle: _Vehicle, operation: str) -> Planned:
    return Planned(
        operation=operation,
        target_type="vehicle",
        target_id=vehicle.pk,
        community_id=event.community_id,
        sequence=f"vehicle:{vehicle.pk}",
        event=event,
    )


subscriber = OpscomSubscriber()
