"""Each clash rule at its boundaries, through the services (the same door as the admin, the API and the pages)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from permits import services
from permits.clashes import ClashKind, are_adjacent, unit_position
from permits.selectors.clashes import permit_clashes
from permits.selectors.contractor import submission_checklist
from portal.core.actors import Actor
from portal.core.models import AuditEvent

from .conftest import dubai, set_capacity

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


def submit(permit):
    return services.permit_submit(actor=ACTOR, permit=permit)


def approve(permit, reason=""):
    return services.permit_approve(actor=ACTOR, permit=permit, capacity_override_reason=reason)


def approved(permit):
    return approve(submit(permit))


# --- the same unit: types that exclude each other ---------------------------------------------------


def test_overlapping_fit_outs_in_one_unit_are_refused_at_submit(clash_settings, units, make_permit):
    first = approved(make_permit(units["0712"]))
    second = make_permit(units["0712"])
    with pytest.raises(ValidationError) as refused:
        submit(second)
    assert first.reference in " ".join(refused.value.messages)
    assert "UNIT-0712" in " ".join(refused.value.messages)


def test_touching_ranges_do_not_overlap(clash_settings, units, make_permit, day):
    end = dubai(day + datetime.timedelta(days=2), 17)
    approved(make_permit(units["0712"], end=end))
    submit(make_permit(units["0712"], start=end, end=end + datetime.timedelta(days=2)))  # starts as the other ends


def test_one_minute_of_overlap_is_a_clash(clash_settings, units, make_permit, day):
    end = dubai(day + datetime.timedelta(days=2), 17)
    approved(make_permit(units["0712"], end=end))
    with pytest.raises(ValidationError):
        submit(make_permit(units["0712"], start=end - datetime.timedelta(minutes=1)))


def test_a_pair_excludes_both_ways_and_only_its_types(clash_settings, units, make_permit):
    approved(make_permit(units["0712"], permit_type="fit_out"))
    with pytest.raises(ValidationError):
        submit(make_permit(units["0712"], permit_type="move_in"))  # the pair is (move_in, fit_out)
    submit(make_permit(units["0712"], permit_type="maintenance"))  # no pair: allowed


def test_additional_units_count_as_the_unit(clash_settings, units, make_permit):
    other = make_permit(units["0711"])
    other.additional_units.add(units["0712"])
    approved(other)
    with pytest.raises(ValidationError):
        submit(make_permit(units["0712"]))


def test_exclusive_clash_is_refused_at_approve(clash_settings, units, make_permit):
    """Two fit-outs submitted before the rule existed: the first approved holds the unit, the other cannot follow."""
    clash_settings.exclusive_pairs.all().delete()
    waiting = submit(make_permit(units["0712"]))
    rival = approved(make_permit(units["0712"]))
    clash_settings.exclusive_pairs.create(first_type="fit_out", second_type="fit_out")
    with pytest.raises(ValidationError) as refused:
        approve(waiting)
    assert rival.reference in " ".join(refused.value.messages)


def test_no_settings_no_clash(units, make_permit):
    approved(make_permit(units["0712"]))
    submit(make_permit(units["0712"]))


def test_a_cancelled_or_draft_permit_holds_nothing(clash_settings, units, make_permit):
    make_permit(units["0712"])  # a draft
    services.permit_cancel(actor=ACTOR, permit=submit(make_permit(units["0713"])))
    submit(make_permit(units["0712"]))
    submit(make_permit(units["0713"]))


# --- the building's capacity per type and day ---------------------------------------------------------


def test_capacity_exactly_n_is_allowed_and_n_plus_one_refused_at_approve(
    clash_settings, property_a, units, make_permit
):
    set_capacity(clash_settings, property_a, "fit_out", 2)
    approved(make_permit(units["0711"]))
    approved(make_permit(units["0713"]))  # exactly 2
    third = submit(make_permit(units["0812"]))  # a warning at submit, not a refusal
    with pytest.raises(ValidationError) as refused:
        approve(third)
    assert "At most 2" in " ".join(refused.value.messages)
    assert "Give a reason to approve over capacity." in " ".join(refused.value.messages)


def test_over_capacity_warns_at_submit(clash_settings, property_a, units, make_permit):
    set_capacity(clash_settings, property_a, "fit_out", 1)
    approved(make_permit(units["0711"]))
    draft = make_permit(units["0812"])
    checklist = submission_checklist(draft)
    assert not checklist.problems
    assert any("At most 1" in warning for warning in checklist.warnings)
    submit(draft)


def test_override_with_a_reason_approves_and_is_audited(clash_settings, property_a, units, make_permit):
    set_capacity(clash_settings, property_a, "fit_out", 1)
    holder = approved(make_permit(units["0711"]))
    third = submit(make_permit(units["0812"]))
    approve(third, reason="Second lift booked for this week.")
    third.refresh_from_db()
    assert third.status == "approved"
    event = AuditEvent.objects.get(
        target_type="permit", target_id=str(third.pk), action="permits.permit.capacity_overridden"
    )
    assert event.reason == "Second lift booked for this week."
    assert event.data["others"] == [holder.reference]
    assert event.actor_label == "system: test"


@pytest.mark.parametrize("reason", ["", "   "])
def test_override_without_a_reason_is_refused(clash_settings, property_a, units, make_permit, reason):
    set_capacity(clash_settings, property_a, "fit_out", 1)
    approved(make_permit(units["0711"]))
    third = submit(make_permit(units["0812"]))
    with pytest.raises(ValidationError):
        approve(third, reason=reason)
    assert not AuditEvent.objects.filter(action="permits.permit.capacity_overridden").exists()


def test_capacity_counts_other_types_and_buildings_apart(clash_settings, property_a, units, make_permit):
    set_capacity(clash_settings, property_a, "fit_out", 1)
    approved(make_permit(units["0711"], permit_type="maintenance"))
    approved(make_permit(units["0812"]))  # the only fit-out


def test_capacity_days_are_the_community_s_days_at_midnight(clash_settings, property_a, units, make_permit, day):
    """A permit ending at midnight in Dubai is not active the next Dubai day (20:00 UTC, the same UTC day)."""
    set_capacity(clash_settings, property_a, "fit_out", 1)
    next_day = day + datetime.timedelta(days=1)
    approved(make_permit(units["0711"], start=dubai(day, 8), end=dubai(next_day)))  # ends 00:00 Dubai
    later = submit(make_permit(units["0812"], start=dubai(next_day), end=dubai(next_day, 18)))
    approve(later)  # no shared Dubai day


def test_half_an_hour_past_midnight_is_the_next_day(clash_settings, property_a, units, make_permit, day):
    set_capacity(clash_settings, property_a, "fit_out", 1)
    next_day = day + datetime.timedelta(days=1)
    approved(make_permit(units["0711"], start=dubai(day, 8), end=dubai(next_day, 0, 30)))
    later = submit(make_permit(units["0812"], start=dubai(next_day, 1), end=dubai(next_day, 18)))
    with pytest.raises(ValidationError):
        approve(later)  # both on the next Dubai day, though they never overlap in time


# --- neighbours: a warning only -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "other", "adjacent"),
    [
        ("0712", "0713", True),
        ("0712", "0812", True),
        ("0712", "0714", False),
        ("0712", "0813", False),
        ("0712", "0712", False),
    ],
)
def test_adjacency_from_unit_numbering(label, other, adjacent):
    assert are_adjacent(unit_position(f"UNIT-{label}", 2), unit_position(f"UNIT-{other}", 2)) is adjacent


def test_unit_numbers_without_a_floor_are_never_adjacent():
    assert unit_position("UNIT-12", 2) is None
    assert unit_position("Villa", 2) is None


def test_work_next_door_is_a_warning_not_a_refusal(clash_settings, units, make_permit):
    neighbour = approved(make_permit(units["0713"], permit_type="maintenance"))
    mine = make_permit(units["0712"], permit_type="maintenance")
    [clash] = permit_clashes(mine)
    assert clash.kind == ClashKind.ADJACENT and clash.others == (neighbour.reference,)
    approve(submit(mine))


def test_next_door_can_be_switched_off(clash_settings, units, make_permit):
    clash_settings.warn_adjacent_units = False
    clash_settings.save()
    approved(make_permit(units["0713"], permit_type="maintenance"))
    assert permit_clashes(make_permit(units["0712"], permit_type="maintenance")) == []


# --- a change of dates is judged like an approval -------------------------------------------------------


def test_extending_into_another_fit_out_of_the_unit_is_refused(clash_settings, units, make_permit, day):
    first = approved(make_permit(units["0712"], end=dubai(day + datetime.timedelta(days=3), 18)))
    later_start = dubai(day + datetime.timedelta(days=5), 8)
    second = approved(make_permit(units["0712"], start=later_start, end=later_start + datetime.timedelta(days=3)))
    services.permit_extend(actor=ACTOR, permit=first, valid_till=later_start)  # up to the other's start: allowed
    with pytest.raises(ValidationError) as refused:
        services.permit_extend(actor=ACTOR, permit=first, valid_till=later_start + datetime.timedelta(hours=1))
    assert second.reference in " ".join(refused.value.messages)
    first.refresh_from_db()
    assert first.valid_till == later_start  # nothing half-written


def test_extending_past_a_permit_that_is_only_submitted_is_allowed(clash_settings, units, make_permit, day):
    first = approved(make_permit(units["0712"]))
    later_start = dubai(day + datetime.timedelta(days=5), 8)
    submit(make_permit(units["0712"], start=later_start, end=later_start + datetime.timedelta(days=3)))
    services.permit_extend(actor=ACTOR, permit=first, valid_till=later_start + datetime.timedelta(days=1))


def test_asking_for_an_extension_into_another_fit_out_is_refused_at_once(clash_settings, units, make_permit, day):
    first = approved(make_permit(units["0712"]))
    later_start = dubai(day + datetime.timedelta(days=5), 8)
    approved(make_permit(units["0712"], start=later_start, end=later_start + datetime.timedelta(days=3)))
    with pytest.raises(ValidationError):
        services.permit_request_extension(
            actor=ACTOR, permit=first, valid_till=later_start + datetime.timedelta(days=1)
        )
    first.refresh_from_db()
    assert first.extension_requested_till is None
