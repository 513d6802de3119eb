"""OPS-COM: push, update and delete one vehicle's parking permit; reactions per ``opscom.errors``.

- configuration (9000-9002): failed, not retried, shown among the configuration faults;
- bug / validation: failed, not retried;
- not found (9009): on update push the permit anew, on delete it is gone already (done);
- already done (9012, 9022): done; a push keeps the reference only when OPS-COM gave one;
- no OPS-COM answer (timeouts, connection errors, 5xx, 429): retried with backoff.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

from permits.choices import ParkingState
from permits.models import Vehicle

from ..delivery.models import OutboundDelivery
from ..delivery.outcome import Outcome, failed, from_transient, idempotency_key, succeeded
from ..http import CallRecord, ConfigurationError, PartnerError
from . import operations as op
from . import payloads
from .client import OpscomClient
from .errors import ALREADY_DONE, CONFIGURATION, NOT_FOUND, RETRY, reaction_for
from .records import opscom_parking_record, parking_reference

LABEL = "OPS-COM"
UNKNOWN_REFERENCE_NOTE = "OPS-COM already holds this permit; its reference is unknown until reconciled."
NO_REFERENCE_NOTE = "No OPS-COM reference was known: nothing was deleted there."


def load_target(delivery: OutboundDelivery) -> Vehicle:
    return Vehicle.objects.select_related("permit__community", "permit__property__community", "permit__contractor").get(
        pk=delivery.target_id
    )


def error_outcome(error: PartnerError, calls: list[CallRecord]) -> Outcome:
    reaction = CONFIGURATION if isinstance(error, ConfigurationError) else reaction_for(error)
    message = error.message if error.message.startswith(LABEL) else f"{LABEL}: {error.message}"
    if reaction == RETRY or error.retryable:
        return from_transient(error, calls, message)
    return failed(message, reaction, calls)


def on_failed(delivery: OutboundDelivery, vehicle: Vehicle | None, message: str) -> None:
    """The vehicle shows that its parking permit could not be pushed, changed or removed, and why."""
    if vehicle is not None:
        opscom_parking_record(vehicle=vehicle, reference_id=None, state=ParkingState.FAILED, error=message)


def parking_push(delivery: OutboundDelivery, vehicle: Vehicle, client: OpscomClient) -> Outcome:
    return _push(vehicle, client, idempotency_key(delivery.pk))


def parking_update(delivery: OutboundDelivery, vehicle: Vehicle, client: OpscomClient) -> Outcome:
    """Change end and plate; without a known reference, or when OPS-COM lost it (9009), push anew."""
    key = idempotency_key(delivery.pk)
    reference = parking_reference(vehicle)
    if not reference:
        return _push(vehicle, client, idempotency_key(delivery.pk, "push"))
    arguments = _same_arguments_on_every_try(delivery, lambda: payloads.update_arguments(vehicle, reference))
    try:
        result = client.update_permit(**arguments, idempotency_key=key)
    except PartnerError as error:
        if reaction_for(error) == NOT_FOUND:
            return _push(vehicle, client, idempotency_key(delivery.pk, "push"), earlier=[error.call])
        return error_outcome(error, _calls(error))
    reference = result.data.get("reference_id") or reference
    return succeeded(
        [result.call], {"reference_id": reference}, apply=_applied(vehicle, reference, ParkingState.ACTIVE)
    )


SENT_ARGUMENTS = "sent_arguments"


def _same_arguments_on_every_try(delivery: OutboundDelivery, build: Callable[[], dict]) -> dict:
    """The update a row's first try sent, again on every later try under the same Idempotency-Key: a try whose
    answer was lost may have landed, and its repeat must change nothing (a newer change has its own row)."""
    stored = delivery.result.get(SENT_ARGUMENTS) if isinstance(delivery.result, dict) else None
    if isinstance(stored, dict) and stored:
        return {**stored, "end": datetime.datetime.fromisoformat(stored["end"])}
    arguments = build()
    kept = {**arguments, "end": arguments["end"].isoformat()}
    delivery.result = {**(delivery.result if isinstance(delivery.result, dict) else {}), SENT_ARGUMENTS: kept}
    OutboundDelivery.objects.filter(pk=delivery.pk).update(result=delivery.result)
    return arguments


def parking_delete(delivery: OutboundDelivery, vehicle: Vehicle, client: OpscomClient) -> Outcome:
    reference = parking_reference(vehicle)
    if not reference:
        return succeeded(
            [], {"note": NO_REFERENCE_NOTE}, apply=_applied(vehicle, None, ParkingState.DELETED, NO_REFERENCE_NOTE)
        )
    try:
        result = client.delete_permit(reference_id=reference, idempotency_key=idempotency_key(delivery.pk))
    except PartnerError as error:
        if reaction_for(error) in (NOT_FOUND, ALREADY_DONE):
            return succeeded(
                _calls(error),
                {"reference_id": reference, "note": "already gone at OPS-COM"},
                apply=_applied(vehicle, None, ParkingState.DELETED),
            )
        return error_outcome(error, _calls(error))
    return succeeded([result.call], {"reference_id": reference}, apply=_applied(vehicle, None, ParkingState.DELETED))


def _push(vehicle: Vehicle, client: OpscomClient, key: str, earlier: list[CallRecord] = ()) -> Outcome:
    earlier = [call for call in earlier if call is not None]
    try:
        result = client.push_permit(**payloads.push_arguments(vehicle), idempotency_key=key)
    except PartnerError as error:
        if reaction_for(error) == ALREADY_DONE:
            return _already_pushed(vehicle, error, [*earlier, *_calls(error)])
        return error_outcome(error, [*earlier, *_calls(error)])
    reference = result.data["reference_id"]
    return succeeded(
        [*earlier, result.call], {"reference_id": reference}, apply=_applied(vehicle, reference, ParkingState.ACTIVE)
    )


def _already_pushed(vehicle: Vehicle, error: PartnerError, calls: list[CallRecord]) -> Outcome:
    """9022/9012: OPS-COM holds it already (an earlier answer was lost); reconciliation checks it later."""
    reference = _reference_in(error)
    note = "" if reference else UNKNOWN_REFERENCE_NOTE
    return succeeded(
        calls,
        {"reference_id": reference, "already_exists": error.code, "note": note},
        apply=_applied(vehicle, reference or None, ParkingState.ACTIVE, note),
    )


def _reference_in(error: PartnerError) -> str:
    """A reference id in an error body, should OPS-COM ever send one along with 9022."""
    try:
        body = json.loads(error.call.response_excerpt) if error.call else None
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    return str(body.get("reference_id") or body.get("InternalReferenceID") or "")


def _applied(vehicle: Vehicle, reference: str | None, state: ParkingState, note: str = "") -> Callable[[], None]:
    return lambda: opscom_parking_record(vehicle=vehicle, reference_id=reference, state=state, error=note)


def _calls(error: PartnerError) -> list[CallRecord]:
    return [error.call] if error.call is not None else []


HANDLERS: dict[str, Callable[[OutboundDelivery, Vehicle, OpscomClient], Outcome]] = {
    op.PARKING_PUSH: parking_push,
    op.PARKING_UPDATE: parking_update,
    op.PARKING_DELETE: parking_delete,
}
