"""Every OPS-COM error code of the contract's table, and the portal's reaction to it."""

from __future__ import annotations

import pytest

from permits import services
from permits.choices import ParkingState
from portal.core.actors import Actor
from portal.integrations.delivery import sender
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.http import CallRecord, RateLimited, ServerError
from portal.integrations.opscom import operations as opscom_op
from portal.integrations.opscom.errors import error_for_code
from tests.factories import VehicleFactory, in_days, parking_reference_of, permit_in_status, set_parking_reference

from .conftest import fail, ok

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")

CONFIGURATION_CODES = [9000, 9001, 9002]
BUG_CODES = [9003, 9008]
VALIDATION_CODES = [9004, 9005, 9006, 9007, 9010, 9011, 9021, 9030, 9031, 9032, 9033]


def opscom_error(code: int, message: str = "refused"):
    call = CallRecord("POST", "http://opscom.test/api/OC/v1/permits/x", status_code=400, response_excerpt="{}")
    return error_for_code(code, f"OPS-COM error {code}: {message}", call=call, status_code=400)


def pushed(reference: str = "ref-new"):
    return ok({"status": "success", "reference_id": reference, "InternalReferenceID": reference})


@pytest.fixture
def active_vehicle():
    """A vehicle of an active permit whose push is waiting in the outbox (Buzz-In rows already done)."""
    permit = permit_in_status("approved")
    vehicle = VehicleFactory(permit=permit)
    services.permit_pass_issue(actor=ACTOR, permit=permit, pass_number="WP-000007", access_code="A" * 24)
    OutboundDelivery.objects.filter(subscriber="buzzin").update(state="succeeded")
    vehicle.refresh_from_db()
    return vehicle


def only_row(operation: str) -> OutboundDelivery:
    return OutboundDelivery.objects.get(operation=operation, state="pending")


def parked(vehicle, reference: str = "ref-1"):
    """The push went through earlier: the vehicle holds an OPS-COM reference."""
    OutboundDelivery.objects.filter(operation=opscom_op.PARKING_PUSH).update(state="succeeded")
    set_parking_reference(vehicle, reference)
    vehicle.parking_state = ParkingState.ACTIVE
    vehicle.save()
    return vehicle


@pytest.mark.parametrize(
    ("code", "kind"),
    [(code, "configuration") for code in CONFIGURATION_CODES]
    + [(code, "bug") for code in BUG_CODES]
    + [(code, "validation") for code in VALIDATION_CODES],
)
def test_refusals_fail_at_once_with_their_kind(active_vehicle, opscom_stub, code, kind):
    opscom_stub.script["push_permit"] = [opscom_error(code, "no")]
    row = only_row(opscom_op.PARKING_PUSH)

    assert sender.delivery_send(row.pk) == "failed"
    row.refresh_from_db()
    active_vehicle.refresh_from_db()
    assert (row.state, row.error_kind, row.attempt_count) == ("failed", kind, 1)
    assert row.last_error == f"OPS-COM error {code}: no"
    assert (active_vehicle.parking_state, active_vehicle.parking_error) == (ParkingState.FAILED, row.last_error)
    assert opscom_stub.names() == ["push_permit"]


@pytest.mark.parametrize("code", [9012, 9022])
def test_already_there_on_push_counts_as_done(active_vehicle, opscom_stub, code):
    opscom_stub.script["push_permit"] = [opscom_error(code, "exists")]
    row = only_row(opscom_op.PARKING_PUSH)

    assert sender.delivery_send(row.pk) == "succeeded"
    active_vehicle.refresh_from_db()
    assert active_vehicle.parking_state == ParkingState.ACTIVE
    assert parking_reference_of(active_vehicle) == ""
    assert "reference is unknown" in active_vehicle.parking_error


def test_9022_keeps_a_reference_the_body_gives(active_vehicle, opscom_stub):
    error = opscom_error(9022, "exists")
    error.call.response_excerpt = '{"ErrorCode": 9022, "ErrorMessage": "exists", "reference_id": "ref-77"}'
    opscom_stub.script["push_permit"] = [error]
    sender.delivery_send(only_row(opscom_op.PARKING_PUSH).pk)
    active_vehicle.refresh_from_db()
    assert (parking_reference_of(active_vehicle), active_vehicle.parking_error) == ("ref-77", "")


def test_a_push_records_the_reference(active_vehicle, opscom_stub):
    opscom_stub.script["push_permit"] = [pushed("ref-1")]
    row = only_row(opscom_op.PARKING_PUSH)
    assert sender.delivery_send(row.pk) == "succeeded"
    active_vehicle.refresh_from_db()
    assert (parking_reference_of(active_vehicle), active_vehicle.parking_state) == ("ref-1", ParkingState.ACTIVE)
    [(_, _, kwargs)] = opscom_stub.calls
    assert (kwargs["permit_no"], kwargs["idempotency_key"]) == ("WP-000007-1", f"delivery-{row.pk}")


def test_9009_on_update_pushes_anew(active_vehicle, opscom_stub):
    parked(active_vehicle, "ref-lost")
    services.vehicle_change_plate(actor=ACTOR, vehicle=active_vehicle, plate="DXB-NEW-1")
    opscom_stub.script["update_permit"] = [opscom_error(9009, "Record not found")]
    opscom_stub.script["push_permit"] = [pushed("ref-fresh")]
    row = only_row(opscom_op.PARKING_UPDATE)

    assert sender.delivery_send(row.pk) == "succeeded"
    active_vehicle.refresh_from_db()
    assert (parking_reference_of(active_vehicle), active_vehicle.parking_state) == ("ref-fresh", ParkingState.ACTIVE)
    assert opscom_stub.names() == ["update_permit", "push_permit"]
    assert opscom_stub.calls[1][2]["plate"] == "DXBNEW1"
    assert opscom_stub.calls[1][2]["idempotency_key"] == f"delivery-{row.pk}:push"
    assert list(row.attempts.order_by("pk").values_list("outcome", flat=True)) == ["continued", "succeeded"]


def test_an_update_without_a_known_reference_pushes_anew(active_vehicle, opscom_stub):
    OutboundDelivery.objects.filter(operation=opscom_op.PARKING_PUSH).update(state="succeeded")
    active_vehicle.parking_state = ParkingState.ACTIVE  # after a 9022: active, reference unknown
    active_vehicle.save()
    services.vehicle_change_plate(actor=ACTOR, vehicle=active_vehicle, plate="DXB-NEW-2")
    opscom_stub.script["push_permit"] = [pushed("ref-2")]
    assert sender.delivery_send(only_row(opscom_op.PARKING_UPDATE).pk) == "succeeded"
    assert opscom_stub.names() == ["push_permit"]


def test_an_update_moves_end_and_plate(active_vehicle, opscom_stub):
    parked(active_vehicle)
    permit = services.permit_extend(actor=ACTOR, permit=active_vehicle.permit, valid_till=in_days(45, hour=14))
    OutboundDelivery.objects.filter(subscriber="buzzin").update(state="succeeded")
    opscom_stub.script["update_permit"] = [ok({"status": "success", "reference_id": "ref-1"})]
    assert sender.delivery_send(only_row(opscom_op.PARKING_UPDATE).pk) == "succeeded"
    [(_, _, kwargs)] = opscom_stub.calls
    assert (kwargs["reference_id"], kwargs["end"], kwargs["plate"]) == (
        "ref-1",
        permit.valid_till,
        active_vehicle.plate,
    )


@pytest.mark.parametrize("code", [9009, 9022])
def test_not_found_on_delete_means_already_gone(active_vehicle, opscom_stub, code):
    parked(active_vehicle)
    services.vehicle_remove(actor=ACTOR, vehicle=active_vehicle)
    opscom_stub.script["delete_permit"] = [opscom_error(code, "Record not found")]
    assert sender.delivery_send(only_row(opscom_op.PARKING_DELETE).pk) == "succeeded"
    active_vehicle.refresh_from_db()
    assert active_vehicle.parking_state == ParkingState.DELETED


def test_a_delete_without_a_reference_has_nothing_to_do(active_vehicle, opscom_stub):
    OutboundDelivery.objects.filter(operation=opscom_op.PARKING_PUSH).update(state="succeeded")
    active_vehicle.parking_state = ParkingState.ACTIVE
    active_vehicle.save()
    services.vehicle_remove(actor=ACTOR, vehicle=active_vehicle)
    assert sender.delivery_send(only_row(opscom_op.PARKING_DELETE).pk) == "succeeded"
    assert opscom_stub.calls == []


@pytest.mark.parametrize(
    "error",
    [
        lambda: fail(ServerError, "OPS-COM server error (HTTP 503)", status=503),
        lambda: fail(RateLimited, "OPS-COM rate limit (HTTP 429)", status=429),
    ],
)
def test_no_opscom_answer_is_retried(active_vehicle, opscom_stub, error):
    opscom_stub.script["push_permit"] = [error(), pushed()]
    row = only_row(opscom_op.PARKING_PUSH)
    assert sender.delivery_send(row.pk) == "retry"
    row.refresh_from_db()
    assert row.state == "pending" and row.last_error.startswith("OPS-COM")
    assert sender.delivery_send(row.pk) == "succeeded"


def test_retries_running_out_mark_the_vehicle_failed(active_vehicle, opscom_stub, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 2
    opscom_stub.script["push_permit"] = [fail(ServerError, "down", status=502, code=None) for _ in range(2)]
    row = only_row(opscom_op.PARKING_PUSH)
    assert [sender.delivery_send(row.pk) for _ in range(2)] == ["retry", "failed"]
    active_vehicle.refresh_from_db()
    assert active_vehicle.parking_state == ParkingState.FAILED
    assert active_vehicle.parking_error.startswith("Gave up after 2 attempts")
