"""Approve and reject many permits at once: each through its service, each answer reported."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from permits.choices import PermitStatus
from permits.models import NocVersion
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import permit_in_status

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:permits_permit_changelist"


@pytest.fixture
def make(community_a, property_a, contractor_a):
    def build(status):
        return permit_in_status(status, community=community_a, property=property_a, contractor=contractor_a)

    return build


def post_action(client, action, permits, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(p.pk) for p in permits], **extra}
    return client.post(reverse(CHANGELIST), data)


def only_message(response) -> str:
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    return message


def events_of(permit, action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_type="permit", target_id=str(permit.pk), action=action))


def test_bulk_approve_reports_each_permit(manager_client, manager_a, make):
    good = [make("submitted") for _ in range(3)]
    short_noc = make("submitted")
    expiry = timezone.localdate() + datetime.timedelta(days=3)
    NocVersion.objects.filter(permit=short_noc).update(expiry_date=expiry)
    response = post_action(manager_client, "approve_selected", [*good, short_noc])
    assert response.status_code == 302
    ends = short_noc.valid_till.astimezone(short_noc.community.tzinfo).date()
    refs = ", ".join(p.reference for p in good)
    assert only_message(response) == (
        f"Approved 3: {refs}. Not approved: {short_noc.reference} — "
        f"The NOC expires on {expiry:%d %b %Y}, before the permit ends on {ends:%d %b %Y}."
    )
    for permit in good:
        permit.refresh_from_db()
        assert permit.status == PermitStatus.APPROVED
        [event] = events_of(permit, "permits.permit.approved")
        assert (event.from_status, event.to_status, event.actor) == ("submitted", "approved", manager_a)
        operations = OutboundDelivery.objects.filter(target_type="permit", target_id=str(permit.pk))
        assert list(operations.order_by("pk").values_list("operation", flat=True)) == ["permit.create", "permit.submit"]
    short_noc.refresh_from_db()
    assert short_noc.status == PermitStatus.SUBMITTED
    assert events_of(short_noc, "permits.permit.approved") == []


def test_bulk_approve_refused_by_the_transition_table(manager_client, make):
    approved = make("approved")
    response = post_action(manager_client, "approve_selected", [approved])
    assert only_message(response) == f"Not approved: {approved.reference} — An approved permit cannot be approved."


def test_bulk_reject_asks_one_reason_then_rejects_each(manager_client, manager_a, make):
    first, second, active = make("submitted"), make("submitted"), make("active")
    page = post_action(manager_client, "reject_selected", [first, second, active])
    assert page.status_code == 200
    assert first.reference in page.content.decode()
    assert set(page.context["objects"]) == {first.pk, second.pk, active.pk}
    first.refresh_from_db()
    assert first.status == PermitStatus.SUBMITTED

    blank = post_action(manager_client, "reject_selected", [first, second, active], apply="1", reason=" ")
    assert blank.status_code == 200 and blank.context["form"].errors["reason"]

    response = post_action(manager_client, "reject_selected", [first, second, active], apply="1", reason="Incomplete.")
    assert response.status_code == 302
    assert only_message(response) == (
        f"Rejected 2: {first.reference}, {second.reference}. "
        f"Not rejected: {active.reference} — An active permit cannot be rejected."
    )
    for permit in (first, second):
        permit.refresh_from_db()
        assert (permit.status, permit.decision_note) == (PermitStatus.REJECTED, "Incomplete.")
        [event] = events_of(permit, "permits.permit.rejected")
        assert (event.from_status, event.to_status, event.reason, event.actor) == (
            "submitted",
            "rejected",
            "Incomplete.",
            manager_a,
        )
    active.refresh_from_db()
    assert active.status == PermitStatus.ACTIVE


def test_bulk_reject_across_all_filtered_permits(manager_client, make):
    permits = [make("submitted") for _ in range(3)]
    data = {"select_across": "1", "apply": "1", "reason": "Closed for works."}
    url = reverse(CHANGELIST) + "?status__exact=submitted"
    extra = {ACTION_CHECKBOX_NAME: [str(permits[0].pk)], "action": "reject_selected", **data}
    assert manager_client.post(url, extra).status_code == 302
    for permit in permits:
        permit.refresh_from_db()
        assert permit.status == PermitStatus.REJECTED
