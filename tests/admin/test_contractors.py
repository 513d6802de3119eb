"""Contractors and their community memberships in the admin."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from contractors.choices import DocumentKind, MembershipStatus
from contractors.models import ContractorDocument, ContractorMembership
from permits.choices import PermitStatus
from portal.core.models import AuditEvent
from portal.integrations.buzzin.models import BuzzinContractorState
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import ContractorFactory, MembershipFactory, pdf_file, permit_in_status, set_buzzin_membership

pytestmark = pytest.mark.django_db


def membership_url(name, membership):
    return reverse(f"admin:contractors_contractormembership_{name}", args=[membership.pk])


def membership_events(membership, action):
    rows = AuditEvent.objects.filter(target_type="contractormembership", target_id=str(membership.pk), action=action)
    return list(rows)


def test_approve_button(manager_client, manager_a, community_a):
    membership = MembershipFactory(community=community_a, status=MembershipStatus.PENDING)
    page = manager_client.get(reverse("admin:contractors_contractormembership_change", args=[membership.pk]))
    assert [b["label"] for b in page.context["decision_buttons"]] == ["Approve", "Revoke"]
    response = manager_client.post(membership_url("approve", membership))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED
    [event] = membership_events(membership, "contractors.membership.approved")
    assert (event.from_status, event.to_status, event.actor) == ("pending", "approved", manager_a)
    deliveries = OutboundDelivery.objects.filter(target_type="contractormembership", target_id=str(membership.pk))
    assert list(deliveries.values_list("operation", flat=True)) == ["contractor.create"]


def test_approving_twice_shows_the_message(manager_client, contractor_a, community_a):
    membership = ContractorMembership.objects.get(contractor=contractor_a, community=community_a)
    response = manager_client.post(membership_url("approve", membership))
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Alpha Fitouts LLC is already approved in Alpha Gardens."]


def test_revoke_button_needs_a_reason_and_archives_permits(
    manager_client, manager_a, community_a, property_a, contractor_a
):
    membership = ContractorMembership.objects.get(contractor=contractor_a, community=community_a)
    set_buzzin_membership(membership, BuzzinContractorState.APPROVED)
    active = permit_in_status("active", community=community_a, property=property_a, contractor=contractor_a)
    assert manager_client.get(membership_url("revoke", membership)).status_code == 200
    blank = manager_client.post(membership_url("revoke", membership), {"reason": ""})
    assert blank.status_code == 200 and blank.context["form"].errors["reason"]

    response = manager_client.post(membership_url("revoke", membership), {"reason": "Fake licence."})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.status, membership.status_reason) == (MembershipStatus.REVOKED, "Fake licence.")
    [event] = membership_events(membership, "contractors.membership.revoked")
    assert (event.from_status, event.to_status, event.actor) == ("approved", "revoked", manager_a)
    active.refresh_from_db()
    assert active.status == PermitStatus.ARCHIVED
    deliveries = OutboundDelivery.objects.filter(target_type="contractormembership", target_id=str(membership.pk))
    assert "contractor.revoke" in deliveries.values_list("operation", flat=True)


def test_bulk_membership_actions(manager_client, community_a):
    pending = [MembershipFactory(community=community_a, status=MembershipStatus.PENDING) for _ in range(2)]
    url = reverse("admin:contractors_contractormembership_changelist")
    ids = [str(m.pk) for m in pending]
    response = manager_client.post(url, {"action": "approve_memberships", ACTION_CHECKBOX_NAME: ids})
    assert response.status_code == 302
    assert all(m.status == MembershipStatus.APPROVED for m in ContractorMembership.objects.filter(pk__in=ids))
    page = manager_client.post(url, {"action": "revoke_memberships", ACTION_CHECKBOX_NAME: ids})
    assert page.status_code == 200
    done = manager_client.post(
        url, {"action": "revoke_memberships", ACTION_CHECKBOX_NAME: ids, "apply": "1", "reason": "Closed."}
    )
    assert done.status_code == 302
    [message] = [str(m) for m in get_messages(done.wsgi_request)]
    assert message.startswith("Revoked 2: ")
    assert all(m.status == MembershipStatus.REVOKED for m in ContractorMembership.objects.filter(pk__in=ids))


def test_contractor_list_shows_and_filters_expiry(manager_client, community_a):
    today = timezone.localdate()
    expired = ContractorFactory(company_name="Expired Co", trade_licence_expiry=today - datetime.timedelta(days=1))
    soon = ContractorFactory(company_name="Soon Co", insurance_expiry=today + datetime.timedelta(days=10))
    fine = ContractorFactory(company_name="Fine Co")
    for contractor in (expired, soon, fine):
        MembershipFactory(contractor=contractor, community=community_a)
    url = reverse("admin:contractors_contractor_changelist")
    assert list(manager_client.get(url, {"licence": "expired"}).context["cl"].result_list) == [expired]
    assert list(manager_client.get(url, {"insurance": "soon"}).context["cl"].result_list) == [soon]
    changelist = manager_client.get(url).context["cl"]
    assert {"trade_licence_expiry", "insurance_expiry"} <= set(changelist.list_display)
    assert fine in changelist.result_list


def test_a_contractor_in_two_communities_is_listed_once(manager_client, community_a, contractor_a, community_b):
    MembershipFactory(contractor=contractor_a, community=community_b)
    response = manager_client.get(reverse("admin:contractors_contractor_changelist"))
    assert list(response.context["cl"].result_list) == [contractor_a]


def test_contractor_page_lists_documents_with_download_links(manager_client, contractor_a):
    document = ContractorDocument.objects.create(
        contractor=contractor_a,
        kind=DocumentKind.TRADE_LICENCE,
        file=pdf_file("licence.pdf"),
        original_name="licence.pdf",
        content_type="application/pdf",
        size=10,
        expiry_date=timezone.localdate(),
    )
    response = manager_client.get(reverse("admin:contractors_contractor_change", args=[contractor_a.pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert "licence.pdf" in response.content.decode()
    try:
        link = reverse("documents:contractor", kwargs={"pk": document.pk})
    except NoReverseMatch:  # the downloads are another module's; without them the page shows no link
        return
    assert link in response.content.decode()
