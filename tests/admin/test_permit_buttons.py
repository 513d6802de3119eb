"""Each decision button, driven through the admin as a property manager."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from permits.choices import ParkingState, PermitStatus
from permits.models import NocVersion, Permit
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import NocVersionFactory, VehicleFactory, in_days, permit_in_status, set_parking_reference

pytestmark = pytest.mark.django_db


def url(name: str, permit: Permit) -> str:
    return reverse(f"admin:permits_permit_{name}", args=[permit.pk])


def new_events(permit: Permit, since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_type="permit", target_id=str(permit.pk), pk__gt=since))


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def operations(permit: Permit, since: int, target_type: str = "permit", ids=None) -> list[str]:
    ids = ids or [str(permit.pk)]
    rows = OutboundDelivery.objects.filter(target_type=target_type, target_id__in=ids, pk__gt=since)
    return list(rows.order_by("pk").values_list("operation", flat=True))


def last_delivery_id() -> int:
    return OutboundDelivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def local_input(moment: datetime.datetime, permit: Permit) -> str:
    return moment.astimezone(permit.community.tzinfo).strftime("%Y-%m-%dT%H:%M")


def assert_one_event(permit, since, action, from_status, to_status, user):
    events = new_events(permit, since)
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.from_status, event.to_status) == (action, from_status, to_status)
    assert event.actor == user
    return event


def test_approve_button(manager_client, manager_a, permit_a):
    events, deliveries = last_event_id(), last_delivery_id()
    response = manager_client.post(url("approve", permit_a))
    assert response.status_code == 302
    assert response["Location"] == url("change", permit_a)
    permit_a.refresh_from_db()
    assert permit_a.status == PermitStatus.APPROVED
    assert_one_event(permit_a, events, "permits.permit.approved", "submitted", "approved", manager_a)
    assert operations(permit_a, deliveries) == ["permit.create", "permit.submit"]


def test_approve_confirmation_page_on_get(manager_client, permit_a):
    response = manager_client.get(url("approve", permit_a))
    assert response.status_code == 200
    permit_a.refresh_from_db()
    assert permit_a.status == PermitStatus.SUBMITTED


def test_reject_button_needs_a_reason(manager_client, manager_a, permit_a):
    assert manager_client.get(url("reject", permit_a)).status_code == 200
    events = last_event_id()
    response = manager_client.post(url("reject", permit_a), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert new_events(permit_a, events) == []

    response = manager_client.post(url("reject", permit_a), {"reason": "Wrong unit."})
    assert response.status_code == 302
    permit_a.refresh_from_db()
    assert (permit_a.status, permit_a.decision_note) == (PermitStatus.REJECTED, "Wrong unit.")
    event = assert_one_event(permit_a, events, "permits.permit.rejected", "submitted", "rejected", manager_a)
    assert event.reason == "Wrong unit."


def test_request_changes_button(manager_client, manager_a, permit_a):
    events, deliveries = last_event_id(), last_delivery_id()
    response = manager_client.post(url("request_changes", permit_a), {"note": "Upload the signed NOC."})
    assert response.status_code == 302
    permit_a.refresh_from_db()
    assert permit_a.status == PermitStatus.CHANGES_REQUESTED
    assert permit_a.decision_note == "Upload the signed NOC."
    assert_one_event(permit_a, events, "permits.permit.changes_requested", "submitted", "changes_requested", manager_a)
    assert operations(permit_a, deliveries) == []


@pytest.fixture
def approved_a(community_a, property_a, contractor_a):
    return permit_in_status("approved", community=community_a, property=property_a, contractor=contractor_a)


@pytest.fixture
def active_a(community_a, property_a, contractor_a):
    permit = permit_in_status("active", community=community_a, property=property_a, contractor=contractor_a)
    vehicle = VehicleFactory(permit=permit, plate="DXB-77", parking_state=ParkingState.ACTIVE)
    set_parking_reference(vehicle, "OC-1")
    return permit


def test_extend_button(manager_client, manager_a, active_a):
    events, deliveries = last_event_id(), last_delivery_id()
    new_end = in_days(40, hour=14)
    response = manager_client.post(url("extend", active_a), {"valid_till": local_input(new_end, active_a)})
    assert response.status_code == 302, response.context["form"].errors
    active_a.refresh_from_db()
    assert active_a.valid_till == new_end
    assert active_a.status == PermitStatus.ACTIVE
    assert_one_event(active_a, events, "permits.permit.extended", "active", "active", manager_a)
    assert operations(active_a, deliveries) == ["permit.update_validity"]
    vehicle_ids = [str(pk) for pk in active_a.vehicles.values_list("pk", flat=True)]
    assert operations(active_a, deliveries, "vehicle", vehicle_ids) == ["parking.update"]


def test_extend_form_shows_current_dates_in_community_time(manager_client, approved_a):
    response = manager_client.get(url("extend", approved_a))
    assert response.status_code == 200
    shown = approved_a.valid_till.astimezone(approved_a.community.tzinfo).strftime("%d/%m/%Y %H:%M")
    assert f'value="{shown}"' in response.content.decode()  # day-month-year, 24 h: the portal's one order


def _assert_extension_refused(client, permit, data, field, sentence):
    before = Permit.objects.get(pk=permit.pk)
    events, deliveries = last_event_id(), last_delivery_id()
    response = client.post(url("extend", permit), data)
    assert response.status_code == 200
    assert sentence in response.context["form"].errors[field]
    assert sentence in messages_of(response)[-1]
    after = Permit.objects.get(pk=permit.pk)
    assert (after.valid_from, after.valid_till) == (before.valid_from, before.valid_till)
    assert new_events(permit, events) == []
    assert not OutboundDelivery.objects.filter(pk__gt=deliveries).exists()


def test_extend_refuses_an_end_before_the_start(manager_client, approved_a):
    data = {
        "valid_from": local_input(approved_a.valid_from, approved_a),
        "valid_till": local_input(approved_a.valid_from - datetime.timedelta(hours=1), approved_a),
    }
    _assert_extension_refused(manager_client, approved_a, data, "valid_till", "The permit must end after it starts.")


def test_extend_refuses_an_end_in_the_past(manager_client, community_a, property_a, contractor_a):
    permit = permit_in_status("approved", community=community_a, property=property_a, contractor=contractor_a)
    Permit.objects.filter(pk=permit.pk).update(valid_from=in_days(-10))
    permit.refresh_from_db()
    data = {"valid_till": local_input(in_days(-1), permit)}
    sentence = "The permit's end date must be in the future."
    _assert_extension_refused(manager_client, permit, data, "valid_till", sentence)


def test_extend_refuses_an_end_after_the_noc_expires(manager_client, approved_a):
    noc = NocVersion.objects.get(permit=approved_a, is_current=True)
    new_end = in_days(200, hour=10)
    ends = new_end.astimezone(approved_a.community.tzinfo).date()
    sentence = f"The NOC expires on {noc.expiry_date:%d %b %Y}, before the permit ends on {ends:%d %b %Y}."
    data = {"valid_till": local_input(new_end, approved_a)}
    _assert_extension_refused(manager_client, approved_a, data, "valid_till", sentence)


def test_revoke_button_releases_parking(manager_client, manager_a, active_a):
    events, deliveries = last_event_id(), last_delivery_id()
    response = manager_client.post(url("revoke", active_a), {"reason": "Safety breach."})
    assert response.status_code == 302
    active_a.refresh_from_db()
    assert (active_a.status, active_a.revocation_reason) == (PermitStatus.REVOKED, "Safety breach.")
    assert_one_event(active_a, events, "permits.permit.revoked", "active", "revoked", manager_a)
    assert operations(active_a, deliveries) == ["pass.revoke"]
    vehicle_ids = [str(pk) for pk in active_a.vehicles.values_list("pk", flat=True)]
    assert operations(active_a, deliveries, "vehicle", vehicle_ids) == ["parking.delete"]


def test_revoke_needs_a_reason(manager_client, active_a):
    response = manager_client.post(url("revoke", active_a), {"reason": ""})
    assert response.status_code == 200
    active_a.refresh_from_db()
    assert active_a.status == PermitStatus.ACTIVE


def test_reissue_button(manager_client, manager_a, active_a):
    events, deliveries = last_event_id(), last_delivery_id()
    response = manager_client.post(url("reissue", active_a))
    assert response.status_code == 302
    active_a.refresh_from_db()
    assert active_a.status == PermitStatus.ACTIVE
    assert_one_event(active_a, events, "permits.permit.reissue_requested", "active", "active", manager_a)
    assert operations(active_a, deliveries) == ["pass.reissue"]


def test_a_move_the_table_refuses_shows_the_message(manager_client, approved_a):
    events = last_event_id()
    response = manager_client.post(url("approve", approved_a))
    assert response.status_code == 302
    assert messages_of(response) == ["An approved permit cannot be approved."]
    assert new_events(approved_a, events) == []


def test_a_rule_refusing_approval_shows_the_rule(manager_client, permit_a):
    noc = NocVersion.objects.get(permit=permit_a, is_current=True)
    NocVersion.objects.filter(pk=noc.pk).update(expiry_date=timezone.localdate() + datetime.timedelta(days=5))
    response = manager_client.post(url("approve", permit_a))
    assert response.status_code == 302
    [message] = messages_of(response)
    assert message.startswith(f"The NOC expires on {timezone.localdate() + datetime.timedelta(days=5):%d %b %Y}")
    permit_a.refresh_from_db()
    assert permit_a.status == PermitStatus.SUBMITTED


def test_change_page_offers_only_the_allowed_moves(manager_client, permit_a, active_a):
    submitted = manager_client.get(url("change", permit_a))
    labels = [b["label"] for b in submitted.context["decision_buttons"]]
    assert labels == ["Approve", "Reject", "Request changes"]
    active = manager_client.get(url("change", active_a))
    labels = [b["label"] for b in active.context["decision_buttons"]]
    assert labels == ["Extend validity", "Revoke pass", "Reissue pass"]


def test_change_page_is_read_only_with_timeline_and_pushes(manager_client, active_a):
    response = manager_client.get(url("change", active_a))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    content = response.content.decode()
    assert 'name="_save"' not in content
    assert "permits.permit.activated" not in content  # the history is told in words
    assert "Pass issued; the permit is active" in content
    assert "Create permit" in content  # the permit.create push
    assert response.context["history"][0].what == "Pass issued; the permit is active"
    assert "DXB-77" in content and "OC-1" in content


def test_change_form_post_cannot_edit_a_permit(manager_client, permit_a):
    response = manager_client.post(url("change", permit_a), {"jobs_summary": "changed"})
    assert response.status_code == 403
    permit_a.refresh_from_db()
    assert permit_a.jobs_summary != "changed"


def test_buttons_need_the_csrf_token(manager_a, permit_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_a)
    assert client.post(url("approve", permit_a)).status_code == 403
    permit_a.refresh_from_db()
    assert permit_a.status == PermitStatus.SUBMITTED


def test_noc_versions_newest_first_with_download_links(manager_client, permit_a):
    older = NocVersion.objects.get(permit=permit_a)
    NocVersion.objects.filter(pk=older.pk).update(is_current=False)
    newer = NocVersionFactory(permit=permit_a, version=older.version + 1, original_name="noc-v2.pdf")
    response = manager_client.get(url("change", permit_a))
    [formset] = [f for f in response.context["inline_admin_formsets"] if f.opts.model is NocVersion]
    assert [form.original for form in formset] == [newer, older]
    content = response.content.decode()
    try:
        links = [reverse("documents:noc", kwargs={"pk": noc.pk}) for noc in (newer, older)]
    except NoReverseMatch:  # the download view is another module's; without it the page shows no link
        return
    assert all(link in content for link in links)


def test_a_manager_without_the_change_permission_gets_no_buttons(manager_a, permit_a):
    manager_a.groups.clear()
    manager_a.user_permissions.add(Permission.objects.get(codename="view_permit"))
    client = Client()
    client.force_login(manager_a)
    assert client.get(url("change", permit_a)).context["decision_buttons"] == []
    assert client.post(url("approve", permit_a)).status_code == 403
