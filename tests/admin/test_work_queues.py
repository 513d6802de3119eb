"""The manager's work queues (#16): each item appears on the dashboard and in the navigation count, its
direct action works, and it leaves the queue; other communities' items never show; constant queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contractors.choices import MembershipStatus
from contractors.models import ContractorMembership
from contractors.services import membership_attention_raise
from permits import services
from permits.models import Permit
from portal.core.actors import Actor
from portal.core.models import AuditEvent
from portal.integrations.notifications.models import Notification
from tests.factories import ContractorFactory, ContractorUserFactory, MembershipFactory, permit_in_status

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("queue test")
INDEX = "/admin/"


def queue_html(client, slug: str) -> str:
    html = client.get(INDEX).content.decode()
    start = html.index(f'id="queue-{slug}"')
    return html[start : html.index('<div class="module queue"', start + 1) if slug != "attention" else None]


def nav_count(client, slug: str) -> str:
    html = client.get(reverse("admin:permits_permit_changelist")).content.decode()
    start = html.index(f'id="nav-queue-{slug}"')
    count_at = html.index('work-queue-nav__count">', start) + len('work-queue-nav__count">')
    return html[count_at : html.index("<", count_at)]


def in_queue(client, slug: str, permit: Permit) -> bool:
    changelist = client.get(reverse("admin:permits_permit_changelist"), {"queue": slug})
    return permit in list(changelist.context["cl"].result_list)


def test_permits_awaiting_decision(manager_client, permit_a, permit_b):
    assert permit_a.reference in queue_html(manager_client, "decision")
    assert permit_b.reference not in queue_html(manager_client, "decision")  # another community
    assert nav_count(manager_client, "decision") == "1" and in_queue(manager_client, "decision", permit_a)

    manager_client.post(reverse("admin:permits_permit_approve", args=[permit_a.pk]))

    assert Permit.objects.get(pk=permit_a.pk).status == "approved"
    assert permit_a.reference not in queue_html(manager_client, "decision")
    assert nav_count(manager_client, "decision") == "0" and not in_queue(manager_client, "decision", permit_a)


@pytest.fixture
def asking(community_a, property_a, contractor_a):
    permit = permit_in_status("active", community=community_a, property=property_a, contractor=contractor_a)
    return services.permit_request_extension(
        actor=ACTOR, permit=permit, valid_till=permit.valid_till + datetime.timedelta(days=2), note="Tiles late."
    )


def test_an_extension_request_is_approved_from_the_dashboard(manager_client, asking):
    asked = asking.extension_requested_till
    html = queue_html(manager_client, "extension")
    assert asking.reference in html and "Approve" in html and "Decline" in html
    assert nav_count(manager_client, "extension") == "1" and in_queue(manager_client, "extension", asking)

    response = manager_client.post(reverse("admin:permits_permit_extension_approve", args=[asking.pk]), {"next": INDEX})

    assert response.status_code == 302 and response.url == INDEX
    permit = Permit.objects.get(pk=asking.pk)
    assert permit.valid_till == asked and permit.extension_requested_till is None
    assert asking.reference not in queue_html(manager_client, "extension")
    assert not in_queue(manager_client, "extension", asking)


def test_declining_an_extension_needs_a_reason_and_tells_the_contractor(manager_client, asking):
    company_user = ContractorUserFactory(contractor=asking.contractor).user
    url = reverse("admin:permits_permit_extension_decline", args=[asking.pk])
    assert manager_client.get(url).status_code == 200
    refused = manager_client.post(url, {"reason": "  "})
    assert refused.status_code == 200 and Permit.objects.get(pk=asking.pk).extension_requested_till is not None

    response = manager_client.post(f"{url}?next={INDEX}", {"reason": "The tower is closed that week."})

    assert response.status_code == 302
    permit = Permit.objects.get(pk=asking.pk)
    assert permit.extension_requested_till is None and permit.valid_till == asking.valid_till
    event = AuditEvent.objects.get(action="permits.permit.extension_declined")
    assert event.reason == "The tower is closed that week."
    told = Notification.objects.get(kind="extension_declined", recipient=company_user)
    assert told.data["reason"] == event.reason
    assert asking.reference not in queue_html(manager_client, "extension")


def test_declining_needs_the_right_to_decide_and_the_community(client, manager_b, asking):
    client.force_login(manager_b)
    response = client.post(reverse("admin:permits_permit_extension_decline", args=[asking.pk]), {"reason": "No."})
    assert response.status_code in (302, 403, 404)
    assert Permit.objects.get(pk=asking.pk).extension_requested_till is not None


def test_companies_awaiting_approval(manager_client, community_a, community_b):
    waiting = MembershipFactory(
        contractor=ContractorFactory(company_name="Waiting Works LLC"),
        community=community_a,
        status=MembershipStatus.PENDING,
    )
    MembershipFactory(
        contractor=ContractorFactory(company_name="Elsewhere LLC"),
        community=community_b,
        status=MembershipStatus.PENDING,
    )
    html = queue_html(manager_client, "companies")
    assert "Waiting Works LLC" in html and "Elsewhere LLC" not in html
    assert nav_count(manager_client, "companies") == "1"

    manager_client.post(reverse("admin:contractors_contractormembership_approve", args=[waiting.pk]))

    assert ContractorMembership.objects.get(pk=waiting.pk).status == MembershipStatus.APPROVED
    assert "Waiting Works LLC" not in queue_html(manager_client, "companies")
    assert nav_count(manager_client, "companies") == "0"


def test_approved_without_a_pass_after_ten_minutes(manager_client, community_a, property_a, contractor_a):
    permit = permit_in_status("approved", community=community_a, property=property_a, contractor=contractor_a)
    assert permit.reference not in queue_html(manager_client, "no_pass")  # just approved: the pass is on its way
    Permit.objects.filter(pk=permit.pk).update(status_changed_at=timezone.now() - datetime.timedelta(minutes=11))
    assert permit.reference in queue_html(manager_client, "no_pass")
    assert nav_count(manager_client, "no_pass") == "1" and in_queue(manager_client, "no_pass", permit)

    services.permit_pass_issue(actor=Actor.partner("Buzz-In"), permit=permit, pass_number="WP-9", access_code="K9")

    assert permit.reference not in queue_html(manager_client, "no_pass")


def test_pushes_needing_attention(manager_client, community_a, property_a, contractor_a):
    permit = permit_in_status("approved", community=community_a, property=property_a, contractor=contractor_a)
    membership = ContractorMembership.objects.get(contractor=contractor_a, community=community_a)
    services.permit_attention_raise(actor=ACTOR, permit=permit, reason="Unit A-1 is unknown at the gates.")
    membership_attention_raise(actor=ACTOR, membership=membership, reason="Phone refused.", by="company")
    html = queue_html(manager_client, "attention")
    assert permit.reference in html and "Unit A-1 is unknown" in html and "Phone refused." in html
    assert nav_count(manager_client, "attention") == "2" and in_queue(manager_client, "attention", permit)
    memberships = manager_client.get(reverse("admin:contractors_contractormembership_changelist"), {"attention": "yes"})
    assert list(memberships.context["cl"].result_list) == [membership]

    services.permit_attention_clear(actor=ACTOR, permit=permit)
    manager_client.post(
        reverse("admin:contractors_contractor_contact", args=[contractor_a.pk]),
        {"contact_name": "Omar", "email": contractor_a.email, "phone": contractor_a.phone},
    )

    assert permit.reference not in queue_html(manager_client, "attention")
    assert nav_count(manager_client, "attention") == "1"  # the company's until the gates accept it


def test_the_dashboard_and_navigation_cost_the_same_for_many_items(
    manager_client, community_a, property_a, contractor_a
):
    def queries() -> int:
        manager_client.get(INDEX)
        with CaptureQueriesContext(connection) as captured:
            manager_client.get(INDEX)
        return len(captured)

    permit_in_status("submitted", community=community_a, property=property_a, contractor=contractor_a)
    few = queries()
    for _ in range(12):
        permit_in_status("submitted", community=community_a, property=property_a, contractor=contractor_a)
    assert queries() == few


@pytest.mark.parametrize("slug", ["decision", "extension", "no_pass", "attention"])
def test_the_queue_filter_costs_the_same_for_many_permits(manager_client, community_a, property_a, contractor_a, slug):
    url = reverse("admin:permits_permit_changelist")

    def queries() -> int:
        manager_client.get(url, {"queue": slug})
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(url, {"queue": slug}).status_code == 200
        return len(captured)

    def add(count):
        for _ in range(count):
            permit = permit_in_status("submitted", community=community_a, property=property_a, contractor=contractor_a)
            services.permit_attention_raise(actor=ACTOR, permit=permit, reason="Refused.")

    add(2)
    few = queries()
    add(20)
    assert queries() == few
