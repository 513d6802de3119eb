"""What a contractor reads when a permit has not started, has ended, or has no pass yet (#16)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contractors.models import ContractorMembership
from permits import services
from permits.models import Permit, Vehicle
from permits.services import contractor_revoke
from portal.core.actors import Actor
from tests.factories import permit_in_status

pytestmark = pytest.mark.django_db
MANAGER = Actor.system("manager")


@pytest.fixture
def place(company_a, community, prop, units):
    return {"community": community, "property": prop, "main_unit": units[0], "contractor": company_a}


def page(client, permit, name="permits:detail") -> str:
    return client.get(reverse(name, args=[permit.reference])).content.decode()


def test_a_permit_that_has_not_started_says_when_it_starts(client_a, place):
    permit = permit_in_status("active", **place)  # starts in two days
    day = permit.valid_from.astimezone(permit.community.tzinfo).strftime("%d %b %Y")  # the one format
    detail = page(client_a, permit)
    assert f"Starts on {day}" in detail and ">Active<" not in detail
    assert f"Starts on {day}" in client_a.get(reverse("permits:list")).content.decode()
    pass_page = page(client_a, permit, "permits:pass")
    assert 'id="pass-not-started"' in pass_page and "Starts on" in pass_page

    Permit.objects.filter(pk=permit.pk).update(valid_from=timezone.now() - datetime.timedelta(hours=1))
    assert ">Active<" in page(client_a, permit)
    assert 'id="pass-not-started"' not in page(client_a, permit, "permits:pass")


def test_a_revoked_company_permit_reads_revoked_by_the_manager_with_the_reason(client_a, place, community):
    permit = permit_in_status("active", **place)
    membership = ContractorMembership.objects.get(contractor=place["contractor"], community=community)
    contractor_revoke(actor=MANAGER, membership=membership, reason="Unsafe scaffolding.")
    detail = page(client_a, permit)
    assert "Revoked by the property manager on" in detail and "Unsafe scaffolding." in detail
    assert ">Archived<" not in detail
    pass_page = page(client_a, permit, "permits:pass")
    assert "Revoked by the property manager on" in pass_page and "Unsafe scaffolding." in pass_page
    assert "once the permit is active" not in pass_page


def test_a_revoked_pass_says_so_and_why(client_a, place):
    permit = permit_in_status("active", **place)
    services.permit_revoke(actor=MANAGER, permit=permit, reason="Worked at night.")
    pass_page = page(client_a, permit, "permits:pass")
    assert "Revoked by the property manager on" in pass_page and "Worked at night." in pass_page


def test_an_expired_permit_says_when_it_expired(client_a, place):
    permit = permit_in_status("expired", **place)
    assert "Expired on" in page(client_a, permit, "permits:pass")


def test_a_cancelled_permit_says_so(client_a, place):
    permit = permit_in_status("draft", **place)
    services.permit_cancel(actor=MANAGER, permit=permit, reason="Owner changed plans.")
    pass_page = page(client_a, permit, "permits:pass")
    assert "Cancelled on" in pass_page and "Owner changed plans." in pass_page


def test_an_approved_permit_says_the_pass_is_being_issued(client_a, place):
    permit = permit_in_status("approved", **place)
    assert 'id="pass-pending"' in page(client_a, permit, "permits:pass")


def test_revoking_a_company_says_what_it_ends_before_confirming(manager, community, place, units):
    from django.contrib.auth.models import Group
    from django.test import Client

    manager.is_staff = True
    manager.save()
    manager.groups.add(Group.objects.get(name="Property managers"))
    live = permit_in_status("active", **place)
    Vehicle.objects.create(permit=live, plate="DXBA12345", parking_state="active")
    Vehicle.objects.create(permit=live, plate="DXBB12345", parking_state="active")
    permit_in_status("approved", **{**place, "main_unit": units[1]})
    membership = ContractorMembership.objects.get(contractor=place["contractor"], community=community)
    client = Client()
    client.force_login(manager)
    html = client.get(reverse("admin:contractors_contractormembership_revoke", args=[membership.pk])).content.decode()
    assert "ends 1 live pass and 2 parking permits" in html
    assert "its 2 approved or active permits there are archived" in html
    bulk = client.post(
        reverse("admin:contractors_contractormembership_changelist"),
        {"action": "revoke_memberships", "_selected_action": [membership.pk]},
    ).content.decode()
    assert "ends 1 live pass and 2 parking permits" in bulk


def test_the_permit_list_says_what_needs_attention(client_a, place, community):
    from contractors.services import membership_attention_raise

    permit = permit_in_status("approved", **place)
    services.permit_attention_raise(actor=MANAGER, permit=permit, reason="Unit unknown at the gates.")
    membership = ContractorMembership.objects.get(contractor=place["contractor"], community=community)
    membership_attention_raise(actor=MANAGER, membership=membership, reason="Phone refused by the gates.")
    html = client_a.get(reverse("permits:list")).content.decode()
    assert "Needs attention in" in html and "Phone refused by the gates." in html
    assert 'badge--attention">Needs attention' in html
