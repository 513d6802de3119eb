"""Drafting a permit: building first, units of that building, dates in the community's time zone."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from contractors.choices import MembershipStatus
from permits.models import Permit, PermitUnit
from tests.factories import MembershipFactory, PropertyFactory, UnitFactory

from .conftest import Counts, assert_says, local_input

pytestmark = pytest.mark.django_db

DUBAI = zoneinfo.ZoneInfo("Asia/Dubai")


def _draft(units, **overrides):
    data = {
        "main_unit": units[0].pk,
        "additional_units": [units[1].pk, units[2].pk],
        "permit_type": "fit_out",
        "valid_from": local_input(2, 8, DUBAI),
        "valid_till": local_input(20, 18, DUBAI),
        "time_in": "08:00",
        "time_out": "17:00",
        "representative_name": "Omar Haddad",
        "representative_contact": "+971501234567",
        "jobs_summary": "Kitchen and flooring.",
    }
    return {**data, **overrides}


def test_single_building_goes_straight_to_the_form(client_a, units):
    response = client_a.get(reverse("permits:create"))
    assert response.templates[0].name == "portal/permit_form.html"
    assert_says(response, "Unit 0712 (UNIT-0712)")


def test_create_draft_with_units_in_the_community_time_zone(client_a, company_a, units):
    response = client_a.post(reverse("permits:create"), _draft(units), follow=True)
    permit = Permit.objects.get(contractor=company_a)
    assert response.redirect_chain[-1][0] == reverse("permits:detail", args=[permit.reference])
    assert permit.status == "draft"
    assert permit.main_unit == units[0]
    assert set(permit.additional_units.all()) == {units[1], units[2]}
    assert permit.valid_from.astimezone(DUBAI).hour == 8
    assert permit.valid_from.astimezone(datetime.UTC).hour == 4
    assert permit.time_in == datetime.time(8, 0)
    assert_says(response, f"Draft {permit.reference} saved.")
    assert_says(response, "Before you submit")


def test_dates_in_the_wrong_order_save_nothing(client_a, units):
    counts = Counts(Permit, PermitUnit)
    data = _draft(units, valid_from=local_input(10, 8, DUBAI), valid_till=local_input(5, 8, DUBAI))
    response = client_a.post(reverse("permits:create"), data)
    assert response.status_code == 200
    assert_says(response, "The permit must end after it starts.")
    assert counts.unchanged()
    page = response.content.decode()
    assert "Kitchen and flooring." in page  # what was typed stays
    assert f'value="{data["valid_from"]}"' in page


def test_daily_times_outside_working_hours_are_refused(client_a, units):
    counts = Counts(Permit)
    response = client_a.post(reverse("permits:create"), _draft(units, time_in="05:00"))
    assert_says(response, "Work in DAMAC Hills is allowed between 07:00 and 19:00.")
    assert counts.unchanged()


def test_several_communities_ask_for_the_building_first(client_a, company_a, prop, units):
    other = MembershipFactory(contractor=company_a, community__name="Palm Gardens").community
    pending = MembershipFactory(contractor=company_a, community__name="Pending Bay", status=MembershipStatus.PENDING)
    PropertyFactory(community=other, name="Garden Residence 1")
    PropertyFactory(community=pending.community, name="Closed Tower")
    response = client_a.get(reverse("permits:create"))
    assert response.templates[0].name == "portal/permit_choose_property.html"
    page = response.content.decode()
    assert "Garden Residence 1" in page and "Tower 7" in page
    assert "Closed Tower" not in page
    response = client_a.get(reverse("permits:create"), {"property": prop.pk})
    assert response.templates[0].name == "portal/permit_form.html"


def test_a_building_of_a_community_not_approved_cannot_be_used(client_a, company_a, units):
    closed = PropertyFactory(community=MembershipFactory(contractor=company_a, status="pending").community)
    MembershipFactory(contractor=company_a)  # two approved communities: the chooser is shown
    foreign_unit = UnitFactory(property=closed)
    counts = Counts(Permit)
    url = reverse("permits:create") + f"?property={closed.pk}"
    response = client_a.post(url, _draft([foreign_unit, *units[1:]]))
    assert response.templates[0].name == "portal/permit_choose_property.html"
    assert counts.unchanged()


def test_edit_a_draft(client_a, permit_a, units):
    url = reverse("permits:edit", args=[permit_a.reference])
    page = client_a.get(url)
    assert page.context["form"]["valid_from"].value() == permit_a.valid_from.astimezone(DUBAI).replace(tzinfo=None)
    data = _draft(units, representative_name="Layla Saeed", additional_units=[units[2].pk])
    del data["main_unit"]
    response = client_a.post(url, data, follow=True)
    assert_says(response, "Changes saved.")
    permit_a.refresh_from_db()
    assert permit_a.representative_name == "Layla Saeed"
    assert list(permit_a.additional_units.all()) == [units[2]]


def test_edit_with_bad_dates_changes_nothing(client_a, permit_a, units):
    before = (permit_a.valid_from, permit_a.valid_till)
    counts = Counts(Permit)
    data = _draft(units, valid_from=local_input(10, 8, DUBAI), valid_till=local_input(9, 8, DUBAI))
    response = client_a.post(reverse("permits:edit", args=[permit_a.reference]), data)
    assert_says(response, "The permit must end after it starts.")
    permit_a.refresh_from_db()
    assert (permit_a.valid_from, permit_a.valid_till) == before
    assert counts.unchanged()


def test_a_submitted_permit_is_not_editable(client_a, company_a, community, prop, units):
    from tests.factories import permit_in_status

    permit = permit_in_status("submitted", community=community, property=prop, main_unit=units[0], contractor=company_a)
    response = client_a.get(reverse("permits:edit", args=[permit.reference]), follow=True)
    assert_says(response, "A submitted permit can no longer be edited.")


def test_list_filters_by_status(client_a, company_a, community, prop, units, permit_a):
    from tests.factories import permit_in_status

    submitted = permit_in_status(
        "submitted", community=community, property=prop, main_unit=units[1], contractor=company_a
    )
    page = client_a.get(reverse("permits:list"), {"status": "submitted"}).content.decode()
    assert submitted.reference in page
    assert permit_a.reference not in page
