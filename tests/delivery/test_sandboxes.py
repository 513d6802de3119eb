"""The outbox delivered over real HTTP on loopback to the Buzz-In and OPS-COM sandboxes.

No broker: ``drain_outbox()`` runs the real sender until no row is open. The Buzz-In sandbox sends
no webhooks here, so the portal learns of the pass only through the sandbox's state.
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid

import pytest
from celery import current_app

from contractors.choices import MembershipStatus
from contractors.services import contractor_approve
from permits import services
from permits.choices import ParkingState
from portal.core.actors import Actor
from portal.integrations.buzzin.models import BuzzinContractorState
from portal.integrations.buzzin.records import permit_buzzin_id
from portal.integrations.delivery.models import DeliveryAttempt, OutboundDelivery
from portal.integrations.delivery.selectors import configuration_faults
from portal.integrations.delivery.sender import delivery_send
from portal.integrations.delivery.services import delivery_relay
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    PermitFactory,
    VehicleFactory,
    buzzin_membership,
    in_days,
    parking_reference_of,
    set_buzzin_key,
)

from .conftest import OPSCOM_TOKEN
from .drain import drain_outbox

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("delivery test")


def wait_for(predicate, *, timeout: float = 5.0, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {message}")


def local(moment: datetime.datetime, tz) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S")


@pytest.fixture
def community():
    """A community with its own Buzz-In key (unique per test: the sandbox keeps communities across resets)."""
    return CommunityFactory(buzzin__api_key=f"bzk-{uuid.uuid4().hex}", parking_zone="ZONE-A")


def approved_permit(sandboxes, community, vehicles: int = 0):
    """A new contractor approved in the portal, a permit of theirs submitted and approved."""
    membership = MembershipFactory(community=community, status=MembershipStatus.PENDING)
    permit = PermitFactory(community=community, contractor=membership.contractor)
    for _ in range(vehicles):
        VehicleFactory(permit=permit)
    sandboxes.sync_catalogue()
    contractor_approve(actor=ACTOR, membership=membership)
    services.permit_submit(actor=ACTOR, permit=permit)
    return services.permit_approve(actor=ACTOR, permit=permit), membership


def active_permit(sandboxes, community, vehicles: int = 2):
    """An active permit (its pass issued) whose vehicles' pushes wait in the outbox; Buzz-In left aside."""
    permit, _ = approved_permit(sandboxes, community, vehicles)
    OutboundDelivery.objects.filter(subscriber="buzzin").update(state="succeeded")
    return services.permit_pass_issue(actor=ACTOR, permit=permit, pass_number="WP-000042", access_code="C" * 24)


def live_parking(sandboxes) -> dict:
    return sandboxes.get("opscom", "state")["permits"]


def test_an_approved_permit_reaches_buzzin_and_gets_its_pass(sandboxes, community, caplog):
    caplog.set_level(logging.DEBUG)
    permit, membership = approved_permit(sandboxes, community)

    outcomes = drain_outbox("buzzin")

    assert "wait" in outcomes or outcomes.count("succeeded") == 3  # Buzz-In approves the contractor by itself
    remote = sandboxes.buzzin_permit(permit.reference)
    assert permit_buzzin_id(permit) == remote["_id"]
    company_buzzin_id, state = buzzin_membership(membership)
    assert company_buzzin_id and state == BuzzinContractorState.PENDING
    accepted = wait_for(
        lambda: (p := sandboxes.buzzin_permit(permit.reference))["statusName"] == "ACCEPTED" and p,
        message="Buzz-In to accept the permit",
    )
    assert accepted["passNumber"].startswith("WP-") and len(accepted["accessCode"]) == 24
    assert accepted["integrations"]["damac"]["noc"]["nocNumber"] == permit.noc_versions.get().noc_number
    assert accepted["employees"] == [{"name": "Ravi Kumar", "idNumber": "784-1990-1234567-6", "phone": None}]
    assert (accepted["timeIn"], accepted["timeOut"]) == ("08:00", "17:00")
    assert sandboxes.get("buzzin", "stats")["duplicateAppliedKeys"] == []
    assert_no_secret(community.buzzin.api_key, caplog.text)


def test_vehicles_of_an_active_permit_get_parking_in_the_right_zone_and_window(sandboxes, community):
    permit = active_permit(sandboxes, community, vehicles=2)

    drain_outbox("opscom")

    parking = live_parking(sandboxes)
    vehicles = list(permit.vehicles.order_by("position"))
    assert {parking_reference_of(vehicle) for vehicle in vehicles} == set(parking)
    assert {vehicle.parking_state for vehicle in vehicles} == {ParkingState.ACTIVE}
    tz = community.tzinfo
    assert {(p["plate"], p["zone"], p["startTime"], p["endTime"], p["permitNo"]) for p in parking.values()} == {
        (v.plate, "ZONE-A", local(permit.valid_from, tz), local(permit.valid_till, tz), f"WP-000042-{v.position}")
        for v in vehicles
    }


def test_extension_revocation_and_plate_changes_follow(sandboxes, community):
    permit = active_permit(sandboxes, community, vehicles=2)
    drain_outbox("opscom")
    first, _ = permit.vehicles.order_by("position")
    references = set(live_parking(sandboxes))

    new_till = in_days(40, hour=15)
    services.permit_extend(actor=ACTOR, permit=permit, valid_till=new_till)
    drain_outbox("opscom")
    parking = live_parking(sandboxes)
    assert set(parking) == references  # the same permits, moved
    assert {p["endTime"] for p in parking.values()} == {local(new_till, community.tzinfo)}

    services.vehicle_change_plate(actor=ACTOR, vehicle=first, plate="DXB-Z-999")
    drain_outbox("opscom")
    assert live_parking(sandboxes)[parking_reference_of(first)]["plate"] == "DXBZ999"

    services.permit_revoke(actor=ACTOR, permit=permit, reason="Unsafe work")
    drain_outbox("opscom")
    assert live_parking(sandboxes) == {}
    assert set(sandboxes.get("opscom", "state")["deleted"]) == references
    assert set(permit.vehicles.values_list("parking_state", flat=True)) == {ParkingState.DELETED}
    assert sandboxes.get("opscom", "stats")["duplicateIdempotencyKeys"] == {}


def test_a_moved_start_deletes_and_pushes_again(sandboxes, community):
    permit = active_permit(sandboxes, community, vehicles=1)
    drain_outbox("opscom")
    [old_reference] = live_parking(sandboxes)

    new_from = permit.valid_from + datetime.timedelta(days=1)
    services.permit_extend(actor=ACTOR, permit=permit, valid_from=new_from, valid_till=permit.valid_till)
    drain_outbox("opscom")

    [(reference, parking)] = live_parking(sandboxes).items()
    assert reference != old_reference and parking["startTime"] == local(new_from, community.tzinfo)
    assert parking_reference_of(permit.vehicles.get()) == reference


def test_an_opscom_outage_during_changes_loses_nothing_and_applies_nothing_twice(sandboxes, community):
    permit = active_permit(sandboxes, community, vehicles=2)
    first, _ = permit.vehicles.order_by("position")
    sandboxes.post("opscom", "outage", {"mode": "503", "seconds": 1.0})
    services.vehicle_change_plate(actor=ACTOR, vehicle=first, plate="DXB-OUT-1")
    new_till = in_days(35, hour=15)
    services.permit_extend(actor=ACTOR, permit=permit, valid_till=new_till)
    changes = OutboundDelivery.objects.filter(subscriber="opscom").count()
    assert changes == 5  # 2 pushes, 1 plate update, 2 end updates

    outcomes = drain_outbox("opscom")

    assert "retry" in outcomes
    assert OutboundDelivery.objects.filter(subscriber="opscom", state="succeeded").count() == changes
    stats = sandboxes.get("opscom", "stats")
    assert stats["outageRejections"] > 0 and stats["duplicateIdempotencyKeys"] == {}
    parking = live_parking(sandboxes)
    assert len(parking) == 2
    assert {p["endTime"] for p in parking.values()} == {local(new_till, community.tzinfo)}
    assert "DXBOUT1" in {p["plate"] for p in parking.values()}


def test_a_buzzin_outage_loses_nothing_and_applies_nothing_twice(sandboxes, community):
    permit, _ = approved_permit(sandboxes, community)
    sandboxes.post("buzzin", "outage", {"mode": "503", "seconds": 1.0})

    outcomes = drain_outbox("buzzin")

    assert "retry" in outcomes
    assert OutboundDelivery.objects.filter(subscriber="buzzin").exclude(state="succeeded").count() == 0
    assert sandboxes.buzzin_permit(permit.reference)["statusName"] in ("SUBMITTED", "ACCEPTED")
    stats = sandboxes.get("buzzin", "stats")
    assert stats["duplicateAppliedKeys"] == []
    assert stats["operations"]["createPermit"]["applied"] == 1


def test_broker_down_at_commit_then_the_relay_delivers(
    sandboxes, community, settings, monkeypatch, django_capture_on_commit_callbacks
):
    permit, _ = approved_permit(sandboxes, community, vehicles=2)
    OutboundDelivery.objects.filter(subscriber="buzzin").update(state="succeeded")
    settings.OUTBOX_DISPATCH = True

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(current_app, "send_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        services.permit_pass_issue(actor=ACTOR, permit=permit, pass_number="WP-000043", access_code="D" * 24)
    assert OutboundDelivery.objects.filter(subscriber="opscom", state="pending").count() == 2
    assert live_parking(sandboxes) == {}

    # The broker is back: what it is handed, a worker runs at once.
    monkeypatch.setattr(current_app, "send_task", lambda name, args, **options: delivery_send(*args))
    with django_capture_on_commit_callbacks(execute=True):
        report = delivery_relay()

    assert report.dispatched == 2
    assert len(live_parking(sandboxes)) == 2
    assert not OutboundDelivery.objects.filter(subscriber="opscom").exclude(state="succeeded").exists()


def test_a_wrong_opscom_token_is_a_configuration_fault_without_retries(sandboxes, community, settings, caplog):
    caplog.set_level(logging.DEBUG)
    wrong_token = "wrong-token-5e6f7a8b9c"
    settings.OPSCOM_API_TOKEN = wrong_token
    permit = active_permit(sandboxes, community, vehicles=1)

    drain_outbox("opscom")

    row = OutboundDelivery.objects.get(subscriber="opscom")
    assert (row.state, row.error_kind, row.attempt_count) == ("failed", "configuration", 1)
    assert "9002" in row.last_error
    vehicle = permit.vehicles.get()
    assert vehicle.parking_state == ParkingState.FAILED
    [fault] = configuration_faults()
    assert (fault.subscriber, fault.community_id) == ("opscom", community.pk)
    assert_no_secret(wrong_token, caplog.text)
    assert_no_secret(OPSCOM_TOKEN, caplog.text)


def test_a_wrong_buzzin_key_is_a_configuration_fault(sandboxes, community, caplog):
    caplog.set_level(logging.DEBUG)
    approved_permit(sandboxes, community)
    set_buzzin_key(community, "bzk-not-known-to-buzzin-1234")
    drain_outbox("buzzin")
    row = OutboundDelivery.objects.get(operation="contractor.create")
    assert (row.state, row.error_kind, row.attempt_count) == ("failed", "configuration", 1)
    assert_no_secret(community.buzzin.api_key, caplog.text)


def assert_no_secret(secret: str, log_text: str) -> None:
    """Not in the log, nor in any stored attempt or error."""
    assert secret not in log_text
    for attempt in DeliveryAttempt.objects.all():
        for field in (attempt.request_summary, attempt.response_excerpt, attempt.error):
            assert secret not in field
    for row in OutboundDelivery.objects.all():
        assert secret not in row.last_error
        assert secret not in str(row.result)
