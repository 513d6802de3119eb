"""The calendar pages: scoped to the manager's communities and to the contractor's company; the clash
panel, the override button, the "has clashes" filter and the contractor's checklist."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from permits import services
from permits.models import ClashSettings
from portal.core.actors import Actor
from tests.admin.conftest import logged_in, make_manager
from tests.factories import UnitFactory, permit_in_status

from .conftest import dubai, set_capacity

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
ADMIN_CALENDAR = "admin:permits_permit_calendar"


@pytest.fixture
def both(community_a, community_b, property_a, property_b, contractor_a, contractor_b, day):
    """A submitted permit in each community, both in ``day``'s month."""
    start, end = dubai(day, 8), dubai(day + datetime.timedelta(days=2), 18)
    common = {"valid_from": start, "valid_till": end}
    a = permit_in_status("submitted", community=community_a, property=property_a, contractor=contractor_a, **common)
    b = permit_in_status("submitted", community=community_b, property=property_b, contractor=contractor_b, **common)
    return a, b


def month_of(day):
    return {"date": day.isoformat()}


def test_manager_sees_only_their_communities(manager_client, both, day):
    a, b = both
    response = manager_client.get(reverse(ADMIN_CALENDAR), month_of(day))
    assert response.status_code == 200
    content = response.content.decode()
    assert a.reference in content
    assert b.reference not in content and "Bravo" not in content
    assert reverse("admin:permits_permit_change", args=[a.pk]) in content


def test_manager_cannot_widen_the_scope_by_filter(manager_client, both, day, community_b):
    _a, b = both
    response = manager_client.get(reverse(ADMIN_CALENDAR), {**month_of(day), "community": community_b.pk})
    assert b.reference not in response.content.decode()


def test_contractor_sees_only_their_company(contractor_user_a, both, day, community_b):
    a, b = both
    client = logged_in(contractor_user_a)
    for params in (month_of(day), {**month_of(day), "community": community_b.pk, "view": "week"}):
        content = client.get(reverse("permits:calendar"), params).content.decode()
        assert b.reference not in content and "Bravo" not in content
    content = client.get(reverse("permits:calendar"), month_of(day)).content.decode()
    assert a.reference in content
    assert reverse("permits:detail", args=[a.reference]) in content


def test_a_bar_spans_its_local_days_in_the_status_colour(manager_client, both, day):
    a, _ = both
    response = manager_client.get(reverse(ADMIN_CALENDAR), {"date": day.isoformat(), "view": "week"})
    [bar] = [bar for week in response.context["page"].weeks for bar in week.bars if bar.reference == a.reference][:1]
    monday = day - datetime.timedelta(days=day.weekday())
    assert bar.column == (day - monday).days + 1
    assert bar.span == min(3, 8 - bar.column)
    assert bar.hours == "08:00–17:00"
    assert f"status-badge--submitted cal-col-{bar.column}" in response.content.decode()


def test_filters_by_status_and_type(manager_client, both, day):
    a, _ = both
    url = reverse(ADMIN_CALENDAR)
    assert (
        a.reference
        not in manager_client.get(url, {**month_of(day), "status": "approved", "filtered": "1"}).content.decode()
    )
    assert a.reference not in manager_client.get(url, {**month_of(day), "type": "move_in"}).content.decode()
    assert (
        a.reference
        in manager_client.get(url, {**month_of(day), "type": "fit_out", "status": "submitted"}).content.decode()
    )


@pytest.mark.parametrize(
    "params",
    [
        {"date": "2026-02-30"},
        {"date": "0001-01-01"},
        {"community": "x"},
        {"unit": "99999999999999"},
        {"view": "year"},
        {"status": "nope"},
    ],
)
def test_bad_parameters_never_fail(manager_client, contractor_user_a, both, params):
    assert manager_client.get(reverse(ADMIN_CALENDAR), params).status_code == 200
    assert logged_in(contractor_user_a).get(reverse("permits:calendar"), params).status_code == 200


def test_unit_filter(manager_client, both, day, property_a):
    a, _ = both
    url = reverse(ADMIN_CALENDAR)
    assert (
        a.reference
        in manager_client.get(
            url, {**month_of(day), "property": property_a.pk, "unit": a.main_unit_id}
        ).content.decode()
    )
    other = UnitFactory(property=property_a)
    assert a.reference not in manager_client.get(url, {**month_of(day), "unit": other.pk}).content.decode()


# --- where clashes show ---------------------------------------------------------------------------------


def test_the_permit_page_lists_clashes_with_links(manager_client, clash_settings, units, make_permit):
    holder = services.permit_approve(
        actor=ACTOR,
        permit=services.permit_submit(actor=ACTOR, permit=make_permit(units["0713"], permit_type="maintenance")),
    )
    mine = services.permit_submit(actor=ACTOR, permit=make_permit(units["0712"], permit_type="maintenance"))
    content = manager_client.get(reverse("admin:permits_permit_change", args=[mine.pk])).content.decode()
    assert 'id="clashes"' in content
    assert "Next door" in content and "UNIT-0713" in content
    assert reverse("admin:permits_permit_change", args=[holder.pk]) in content


def test_over_capacity_offers_the_override_which_needs_a_reason(
    manager_client, clash_settings, property_a, units, make_permit
):
    set_capacity(clash_settings, property_a, "fit_out", 1)
    services.permit_approve(actor=ACTOR, permit=services.permit_submit(actor=ACTOR, permit=make_permit(units["0711"])))
    mine = services.permit_submit(actor=ACTOR, permit=make_permit(units["0812"]))
    override = reverse("admin:permits_permit_approve_over_capacity", args=[mine.pk])
    assert override in manager_client.get(reverse("admin:permits_permit_change", args=[mine.pk])).content.decode()
    # The plain approve button refuses with the rule's sentence.
    manager_client.post(reverse("admin:permits_permit_approve", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == "submitted"
    response = manager_client.post(override, {"reason": ""})
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.status == "submitted"
    manager_client.post(override, {"reason": "Two lifts this week."})
    mine.refresh_from_db()
    assert mine.status == "approved"


def test_has_clashes_filter(manager_client, clash_settings, units, make_permit):
    first = services.permit_submit(actor=ACTOR, permit=make_permit(units["0712"]))
    quiet = services.permit_submit(
        actor=ACTOR,
        permit=make_permit(
            units["0711"],
            permit_type="maintenance",
            start=dubai(datetime.date.today() + datetime.timedelta(days=40), 8),
            end=dubai(datetime.date.today() + datetime.timedelta(days=41), 8),
        ),
    )
    clash_settings.exclusive_pairs.all().delete()
    second = services.permit_submit(actor=ACTOR, permit=make_permit(units["0712"]))
    clash_settings.exclusive_pairs.create(first_type="fit_out", second_type="fit_out")
    response = manager_client.get(reverse("admin:permits_permit_changelist"), {"clashes": "yes"})
    listed = {permit.reference for permit in response.context["cl"].result_list}
    assert listed == {first.reference, second.reference}
    assert quiet.reference not in listed


def test_the_checklist_shows_a_refusal_and_a_warning(contractor_user_a, clash_settings, property_a, units, make_permit):
    set_capacity(clash_settings, property_a, "fit_out", 1)
    holder = services.permit_approve(
        actor=ACTOR, permit=services.permit_submit(actor=ACTOR, permit=make_permit(units["0712"]))
    )
    same_unit = make_permit(units["0712"])
    content = logged_in(contractor_user_a).get(reverse("permits:detail", args=[same_unit.reference])).content.decode()
    assert f"your permit {holder.reference}" in content and "cannot overlap it in the same unit" in content
    other_unit = make_permit(units["0812"])
    content = logged_in(contractor_user_a).get(reverse("permits:detail", args=[other_unit.reference])).content.decode()
    assert 'id="clash-warnings"' in content and "At most 1" in content


def test_managers_edit_clash_settings_of_their_communities_only(
    manager_a, community_a, community_b, property_a, property_b
):
    client = logged_in(manager_a)
    add = reverse("admin:permits_clashsettings_add")
    page = client.get(add)
    assert page.status_code == 200
    assert "Bravo" not in page.content.decode()
    data = {
        "community": community_a.pk,
        "warn_adjacent_units": "on",
        "unit_digits_per_floor": 2,
        "exclusive_pairs-TOTAL_FORMS": 1,
        "exclusive_pairs-INITIAL_FORMS": 0,
        "exclusive_pairs-0-first_type": "fit_out",
        "exclusive_pairs-0-second_type": "move_in",
        "capacities-TOTAL_FORMS": 1,
        "capacities-INITIAL_FORMS": 0,
        "capacities-0-property": property_a.pk,
        "capacities-0-permit_type": "fit_out",
        "capacities-0-max_per_day": 3,
    }
    assert client.post(add, data).status_code == 302
    assert community_a.clash_settings.capacities.get().max_per_day == 3
    refused = client.post(add, {**data, "community": community_b.pk, "capacities-0-property": property_b.pk})
    assert refused.status_code == 200  # not a choice of theirs
    assert not ClashSettings.objects.filter(community=community_b).exists()


def test_a_capacity_names_a_building_of_the_same_community(community_a, community_b, property_a, property_b):
    client = logged_in(make_manager("manager-ab", community_a, community_b))
    data = {
        "community": community_a.pk,
        "unit_digits_per_floor": 2,
        "exclusive_pairs-TOTAL_FORMS": 0,
        "exclusive_pairs-INITIAL_FORMS": 0,
        "capacities-TOTAL_FORMS": 1,
        "capacities-INITIAL_FORMS": 0,
        "capacities-0-property": property_b.pk,
        "capacities-0-permit_type": "fit_out",
        "capacities-0-max_per_day": 3,
    }
    response = client.post(reverse("admin:permits_clashsettings_add"), data)
    assert response.status_code == 200
    assert "Pick a building of this community." in response.content.decode()
    assert not ClashSettings.objects.exists()


def test_the_checklist_does_not_name_another_company_s_permit(
    contractor_user_a, clash_settings, units, make_permit, community_a
):
    from tests.factories import MembershipFactory

    rival_company = MembershipFactory(community=community_a, contractor__company_name="Rival Fitouts LLC").contractor
    rival = make_permit(units["0712"], contractor=rival_company)
    services.permit_approve(actor=ACTOR, permit=services.permit_submit(actor=ACTOR, permit=rival))
    mine = make_permit(units["0712"])
    content = logged_in(contractor_user_a).get(reverse("permits:detail", args=[mine.reference])).content.decode()
    assert "another company&#x27;s permit" in content
    assert rival.reference not in content and "Rival" not in content


def test_the_decision_flags_do_not_pass_a_permit_that_clashes(manager_client, clash_settings, units, make_permit):
    clash_settings.exclusive_pairs.all().delete()
    waiting = services.permit_submit(actor=ACTOR, permit=make_permit(units["0712"]))
    services.permit_approve(actor=ACTOR, permit=services.permit_submit(actor=ACTOR, permit=make_permit(units["0712"])))
    url = reverse("admin:permits_permit_change", args=[waiting.pk])
    assert "meet the community&#x27;s rules" in manager_client.get(url).content.decode()
    clash_settings.exclusive_pairs.create(first_type="fit_out", second_type="fit_out")
    content = manager_client.get(url).content.decode()
    assert "meet the community&#x27;s rules" not in content
    assert 'id="clashes"' in content and "Same unit (refused)" in content
