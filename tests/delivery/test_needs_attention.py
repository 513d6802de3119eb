"""A partner refusal is a task for a person (#16): the Buzz-In sandbox refuses a company's phone; the
manager and the contractor see why and who must act; the contractor corrects it on the company page;
the company and its waiting permit are sent again, and the pass is issued."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from contractors.choices import MembershipStatus
from contractors.models import Contractor, ContractorMembership
from contractors.services import contractor_approve
from permits import services
from permits.choices import PermitStatus
from portal.core.actors import Actor
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.notifications.models import Notification
from tests.factories import (
    CommunityFactory,
    ContractorUserFactory,
    MembershipFactory,
    PermitFactory,
    StaffMembershipFactory,
    UserFactory,
)

from .drain import drain_outbox
from .test_sandboxes import wait_for

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("attention test")
REFUSAL = "phone must be in E.164 format"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def stuck(sandboxes, settings):
    """A company stored with a phone Buzz-In refuses (a row from before the phone was checked at the door),
    approved, with an approved permit: the company's push fails, the permit's waits and then fails."""
    settings.DELIVERY_WAIT_MAX_ATTEMPTS = 2
    community = CommunityFactory(buzzin__api_key=f"bzk-{uuid.uuid4().hex}")
    membership = MembershipFactory(community=community, status=MembershipStatus.PENDING)
    company = membership.contractor
    Contractor.objects.filter(pk=company.pk).update(phone="050 555 1234")
    user = ContractorUserFactory(contractor=company).user
    manager = UserFactory(username="estate-manager", is_staff=True)
    manager.groups.add(Group.objects.get(name="Property managers"))
    StaffMembershipFactory(user=manager, community=community)
    permit = PermitFactory(community=community, contractor=company)
    sandboxes.sync_catalogue()
    contractor_approve(actor=ACTOR, membership=membership)
    services.permit_submit(actor=ACTOR, permit=permit)
    services.permit_approve(actor=ACTOR, permit=permit)
    drain_outbox("buzzin")
    return {
        "community": community,
        "membership": membership,
        "company": company,
        "user": user,
        "manager": manager,
        "permit": permit,
    }


def test_the_refusal_reaches_both_pages_and_the_fix_sends_everything_again(stuck, sandboxes, settings):
    membership, permit = stuck["membership"], stuck["permit"]
    membership.refresh_from_db()
    permit.refresh_from_db()
    assert membership.attention_since and REFUSAL in membership.attention_note and membership.attention_by == "company"
    assert permit.attention_since and REFUSAL in permit.attention_note
    assert AuditEvent.objects.filter(action="contractors.membership.needs_attention").count() == 1
    kinds = dict(
        Notification.objects.values_list("recipient_id", "kind").filter(kind__in=["partner_refused", "push_attention"])
    )
    assert kinds[stuck["user"].pk] == "partner_refused" and kinds[stuck["manager"].pk] == "push_attention"

    manager = signed_in(stuck["manager"])
    page = manager.get(f"/admin/permits/permit/{permit.pk}/change/").content.decode()
    assert "Needs attention" in page and REFUSAL in page and "Correct the company" in page
    page = manager.get(f"/admin/contractors/contractormembership/{membership.pk}/change/").content.decode()
    assert "Needs attention" in page and REFUSAL in page

    contractor = signed_in(stuck["user"])
    page = contractor.get(f"/permits/{permit.reference}/").content.decode()
    assert "Needs attention" in page and REFUSAL in page and "What you must do" in page
    page = contractor.get("/company/").content.decode()
    assert "Needs attention in" in page and REFUSAL in page

    refused = contractor.post(
        "/company/contact/", {"contact-contact_name": "Omar", "contact-email": "x@y.ae", "contact-phone": "12"}
    )
    assert refused.status_code == 200 and Contractor.objects.get(pk=stuck["company"].pk).phone == "050 555 1234"

    settings.DELIVERY_WAIT_MAX_ATTEMPTS = 100
    saved = contractor.post(
        "/company/contact/",
        {
            "contact-contact_name": "Omar Haddad",
            "contact-email": stuck["company"].email,
            "contact-phone": "050 555 1234",
        },
    )
    assert saved.status_code == 302
    assert Contractor.objects.get(pk=stuck["company"].pk).phone == "+971505551234"
    assert AuditEvent.objects.filter(action="contractors.contractor.contact_updated").exists()

    drain_outbox("buzzin")

    assert not OutboundDelivery.objects.filter(subscriber="buzzin", state="failed").exists()
    assert not ContractorMembership.objects.get(pk=membership.pk).attention_since
    permit.refresh_from_db()
    assert permit.attention_since is None
    accepted = wait_for(
        lambda: (p := sandboxes.buzzin_permit(permit.reference)) and p["statusName"] == "ACCEPTED" and p,
        message="Buzz-In to accept the permit",
    )
    # What the pass-issued webhook does (the sandbox here sends none).
    services.permit_pass_issue(
        actor=Actor.partner("Buzz-In"),
        permit=permit,
        pass_number=accepted["passNumber"],
        access_code=accepted["accessCode"],
    )
    permit.refresh_from_db()
    assert permit.status == PermitStatus.ACTIVE
    page = contractor.get(f"/permits/{permit.reference}/").content.decode()
    assert 'id="needs-attention"' not in page  # the history still tells it
    assert contractor.get(f"/permits/{permit.reference}/pass/").status_code == 200


def test_a_manager_corrects_the_details_on_the_admin_page(stuck):
    manager = signed_in(stuck["manager"])
    url = f"/admin/contractors/contractor/{stuck['company'].pk}/contact/"
    assert (
        "Correct the contact details"
        in manager.get(f"/admin/contractors/contractor/{stuck['company'].pk}/change/").content.decode()
    )
    response = manager.post(url, {"contact_name": "Omar", "email": stuck["company"].email, "phone": "0505551234"})
    assert response.status_code == 302
    assert Contractor.objects.get(pk=stuck["company"].pk).phone == "+971505551234"
    retried = AuditEvent.objects.filter(action="integrations.delivery.retried")
    assert retried.exists()
    assert OutboundDelivery.objects.filter(subscriber="buzzin", operation="contractor.create", state="pending").exists()


def test_a_manager_of_another_community_cannot_correct_them(stuck):
    other = UserFactory(username="other-manager", is_staff=True)
    other.groups.add(Group.objects.get(name="Property managers"))
    StaffMembershipFactory(user=other, community=CommunityFactory())
    response = signed_in(other).post(
        f"/admin/contractors/contractor/{stuck['company'].pk}/contact/",
        {"contact_name": "X", "email": "x@example.com", "phone": "+971505550000"},
    )
    assert response.status_code in (403, 404)
    assert Contractor.objects.get(pk=stuck["company"].pk).phone == "050 555 1234"
