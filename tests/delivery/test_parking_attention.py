"""An OPS-COM refusal is a task for a person too (#16): the parking sandbox refuses a vehicle's plate (a blank
one, a row from before plates were checked at the door);
the permit shows "Needs attention" to the manager and the contractor, both hear of it; the contractor
corrects the plate on the permit page; the vehicle is sent again, parked, and the flag clears."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from permits import services
from permits.choices import ParkingState
from permits.models import Vehicle
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.notifications.models import Notification
from tests.factories import ContractorUserFactory, StaffMembershipFactory, UserFactory

from .drain import drain_outbox
from .test_sandboxes import ACTOR, active_permit, community, live_parking  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
REFUSED = ""  # a row from before the plate rule: OPS-COM answers 9006 "Plate required"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def refused(sandboxes, community):  # noqa: F811
    permit = active_permit(sandboxes, community, vehicles=2)
    first, second = permit.vehicles.order_by("position")
    Vehicle.objects.filter(pk=second.pk).update(plate=REFUSED)
    user = ContractorUserFactory(contractor=permit.contractor).user
    manager = UserFactory(username="parking-manager", is_staff=True)
    manager.groups.add(Group.objects.get(name="Property managers"))
    StaffMembershipFactory(user=manager, community=community)
    drain_outbox("opscom")
    permit.refresh_from_db()
    return {"permit": permit, "good": first, "bad": second, "user": user, "manager": manager}


def test_the_refusal_shows_on_both_pages_and_the_corrected_plate_is_parked(refused, sandboxes):
    permit, bad = refused["permit"], refused["bad"]
    assert permit.attention_since and permit.attention_by == "permit"
    assert "parking system (OPS-COM) refused the parking permit of vehicle #2: " in permit.attention_note
    assert Vehicle.objects.get(pk=bad.pk).parking_state == ParkingState.FAILED
    assert Vehicle.objects.get(pk=refused["good"].pk).parking_state == ParkingState.ACTIVE
    kinds = dict(
        Notification.objects.values_list("recipient_id", "kind").filter(kind__in=["partner_refused", "push_attention"])
    )
    assert kinds == {refused["user"].pk: "partner_refused", refused["manager"].pk: "push_attention"}

    page = signed_in(refused["manager"]).get(f"/admin/permits/permit/{permit.pk}/change/").content.decode()
    assert "Needs attention" in page and "Plate required" in page and "correct the vehicle named above" in page

    contractor = signed_in(refused["user"])
    page = contractor.get(f"/permits/{permit.reference}/").content.decode()
    assert 'id="needs-attention"' in page and "Plate required" in page and "Correct the vehicle" in page

    saved = contractor.post(
        f"/permits/{permit.reference}/vehicles/{bad.pk}/plate/", {f"plate-{bad.pk}-plate": "DXB-A-12345"}
    )
    assert saved.status_code == 302
    drain_outbox("opscom")

    bad.refresh_from_db()
    permit.refresh_from_db()
    assert bad.parking_state == ParkingState.ACTIVE
    assert {p["plate"] for p in live_parking(sandboxes).values()} >= {"DXBA12345"}
    assert permit.attention_since is None
    assert AuditEvent.objects.filter(action="permits.permit.attention_cleared", target_id=str(permit.pk)).count() == 1
    assert 'id="needs-attention"' not in contractor.get(f"/permits/{permit.reference}/").content.decode()


def test_removing_the_refused_vehicle_clears_the_flag(refused):
    permit = refused["permit"]
    services.vehicle_remove(actor=ACTOR, vehicle=refused["bad"])
    drain_outbox("opscom")
    permit.refresh_from_db()
    assert permit.attention_since is None


def test_the_flag_stays_while_another_vehicle_is_still_refused(refused, sandboxes):
    permit = refused["permit"]
    third = services.vehicle_add(actor=ACTOR, permit=permit, plate="SHJ-1-111")
    Vehicle.objects.filter(pk=third.pk).update(plate=REFUSED)
    drain_outbox("opscom")
    services.vehicle_change_plate(actor=ACTOR, vehicle=refused["bad"], plate="DXB-B-222")
    drain_outbox("opscom")
    permit.refresh_from_db()
    assert Vehicle.objects.get(pk=refused["bad"].pk).parking_state == ParkingState.ACTIVE
    assert Vehicle.objects.get(pk=third.pk).parking_state == ParkingState.FAILED
    assert permit.attention_since is not None  # the third vehicle is still refused


def test_a_gate_system_note_is_not_cleared_by_a_parking_success(refused):
    from permits.services import permit_attention_raise

    permit = refused["permit"]
    permit_attention_raise(actor=ACTOR, permit=permit, reason="The gate system (Buzz-In) refused the permit: x")
    services.vehicle_change_plate(actor=ACTOR, vehicle=refused["bad"], plate="DXB-C-333")
    drain_outbox("opscom")
    permit.refresh_from_db()
    assert permit.attention_note.startswith("The gate system")


def test_an_outage_is_not_a_task_for_a_person(sandboxes, community, settings):  # noqa: F811
    settings.DELIVERY_MAX_ATTEMPTS = 1
    permit = active_permit(sandboxes, community, vehicles=1)
    sandboxes.post("opscom", "outage", {"mode": "503", "seconds": 30})
    drain_outbox("opscom")
    sandboxes.post("opscom", "reset")
    permit.refresh_from_db()
    assert permit.attention_since is None
    assert OutboundDelivery.objects.filter(subscriber="opscom").exists()


def test_the_note_reads_in_the_readers_language_with_the_partners_words_kept(refused):
    permit = refused["permit"]
    assert permit.attention_note.startswith("The parking system (OPS-COM) refused")  # the audit keeps English
    with translation.override("ar"):
        text = permit.attention_text
    assert text.startswith("رفض نظام المواقف (OPS-COM)") and "#2" in text and "Plate required" in text
    event = AuditEvent.objects.get(action="permits.permit.needs_attention", target_id=str(permit.pk))
    assert event.data["reason_i18n"]["params"] == {"plate": "#2", "detail": "OPS-COM error 9006: Plate required"}


def test_a_translation_that_lost_its_placeholder_falls_back_to_the_stored_note():
    from contractors.attention import attention_text

    reason = {"text": "Unknown sentence %(missing)s", "params": {}}
    assert attention_text("Stored note", reason) == "Stored note"
    assert attention_text("Stored note", {}) == "Stored note"
