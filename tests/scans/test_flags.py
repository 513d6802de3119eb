"""Each flag at its boundaries, on the community's clock, and only for the viewer's communities."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from permits.choices import ScanDirection
from permits.models import Permit
from permits.selectors.scans import flag_counts, flagged, permit_flags
from permits.services import permit_revoke
from portal.core.models import BlackoutDate
from portal.core.scoping import scope_to_communities

from .conftest import DAY, GATES, live_permit, local, scan

pytestmark = pytest.mark.django_db

EXIT = ScanDirection.EXIT


def flags_of(permit, now) -> set[str]:
    return {flag.code for flag in permit_flags(permit, now=now)}


# --- overstay: time-out 17:00, grace 30 minutes (the default) ---


def test_overstay_not_before_time_out_plus_grace_exactly(permit_a):
    scan(permit_a, local(DAY, 9))
    assert permit_a.community.overstay_grace_minutes == 30
    assert "overstay" not in flags_of(permit_a, local(DAY, 17, 0))
    assert "overstay" not in flags_of(permit_a, local(DAY, 17, 30))  # exactly time-out + grace: not yet
    assert "overstay" in flags_of(permit_a, local(DAY, 17, 30, microsecond=1))
    assert "overstay" in flags_of(permit_a, local(DAY, 18, 0))


def test_overstay_follows_the_community_grace(permit_a):
    permit_a.community.overstay_grace_minutes = 0
    permit_a.community.save()
    scan(permit_a, local(DAY, 9))
    assert "overstay" not in flags_of(permit_a, local(DAY, 17, 0))  # time-out exactly
    assert "overstay" in flags_of(permit_a, local(DAY, 17, 0, 1))


def test_no_overstay_after_the_exit(permit_a):
    scan(permit_a, local(DAY, 9))
    scan(permit_a, local(DAY, 17, 10), EXIT)
    assert "overstay" not in flags_of(permit_a, local(DAY, 18))


def test_overstay_per_worker_of_the_pass(permit_a):
    scan(permit_a, local(DAY, 9), name="Ravi Kumar")
    scan(permit_a, local(DAY, 9, 5), name="Ali Hassan")
    scan(permit_a, local(DAY, 17, 10), EXIT, name="Ravi Kumar")
    assert "overstay" in flags_of(permit_a, local(DAY, 18))  # Ali is still inside


def test_yesterdays_entry_is_not_an_overstay_today(permit_a):
    scan(permit_a, local(DAY, 9))
    assert "overstay" not in flags_of(permit_a, local(DAY + datetime.timedelta(days=1), 18))


def test_overstay_without_permit_hours_uses_the_community_day_end(community_a, property_a, contractor_a):
    permit = live_permit(community_a, property_a, contractor_a, start=local(DAY, 6), time_in=None, time_out=None)
    scan(permit, local(DAY, 9))
    assert community_a.work_day_end == datetime.time(19, 0)
    assert "overstay" not in flags_of(permit, local(DAY, 19, 30))
    assert "overstay" in flags_of(permit, local(DAY, 19, 31))


# --- outside hours: daily 08:00-17:00 ---


@pytest.mark.parametrize(
    ("hour", "minute", "second", "outside"),
    [(7, 59, 59, True), (8, 0, 0, False), (12, 0, 0, False), (17, 0, 0, False), (17, 0, 1, True)],
)
def test_outside_hours_at_the_edges_of_the_day(permit_a, hour, minute, second, outside):
    scan(permit_a, local(DAY, hour, minute, second))
    assert ("outside_hours" in flags_of(permit_a, local(DAY, 23))) is outside


def test_only_entries_count_for_outside_hours(permit_a):
    scan(permit_a, local(DAY, 9))
    scan(permit_a, local(DAY, 18), EXIT)
    assert "outside_hours" not in flags_of(permit_a, local(DAY, 23))


def test_outside_hours_looks_back_seven_days(permit_a):
    scan(permit_a, local(DAY, 6))
    assert "outside_hours" in flags_of(permit_a, local(DAY + datetime.timedelta(days=6), 23, 59))
    assert "outside_hours" not in flags_of(permit_a, local(DAY + datetime.timedelta(days=7), 0, 0))


def test_blackout_day_is_the_communitys_day(community_a, property_a, contractor_a):
    """At UTC+14, 09:00 on the 25th is still the 24th in UTC: the community's date decides."""
    community_a.time_zone = "Pacific/Kiritimati"
    community_a.save()
    tz = zoneinfo.ZoneInfo("Pacific/Kiritimati")
    permit = live_permit(community_a, property_a, contractor_a, start=local(DAY, 6, tz=tz))
    entry = local(DAY + datetime.timedelta(days=1), 9, tz=tz)
    assert entry.astimezone(datetime.UTC).date() == DAY
    scan(permit, entry)
    now = local(DAY + datetime.timedelta(days=1), 23, tz=tz)

    BlackoutDate.objects.create(community=community_a, date=DAY, reason="UTC's date, not ours")
    assert "outside_hours" not in flags_of(permit, now)
    BlackoutDate.objects.create(community=community_a, date=DAY + datetime.timedelta(days=1), reason="Holiday")
    assert "outside_hours" in flags_of(permit, now)


def test_another_communitys_blackout_does_not_count(permit_a, community_b):
    BlackoutDate.objects.create(community=community_b, date=DAY)
    scan(permit_a, local(DAY, 9))
    assert "outside_hours" not in flags_of(permit_a, local(DAY, 23))


# --- no-show: 3 days (the default) ---


def test_no_show_on_day_n_and_n_plus_one(permit_a):
    assert permit_a.community.no_show_days == 3
    day_n = DAY + datetime.timedelta(days=2)  # the permit starts on DAY (day 1)
    assert "no_show" not in flags_of(permit_a, local(day_n, 23, 59, 59))
    assert "no_show" in flags_of(permit_a, local(day_n + datetime.timedelta(days=1), 0, 0))


def test_a_scan_within_the_days_clears_no_show(permit_a):
    scan(permit_a, local(DAY + datetime.timedelta(days=2), 9))
    assert "no_show" not in flags_of(permit_a, local(DAY + datetime.timedelta(days=5), 9))


def test_no_show_follows_the_community_setting(permit_a):
    permit_a.community.no_show_days = 1
    permit_a.community.save()
    assert "no_show" not in flags_of(permit_a, local(DAY, 23, 59))
    assert "no_show" in flags_of(permit_a, local(DAY + datetime.timedelta(days=1), 0, 0))


@pytest.mark.parametrize("status", ["approved", "active"])
def test_no_show_for_approved_and_active_only(community_a, property_a, contractor_a, status):
    permit = live_permit(community_a, property_a, contractor_a, start=local(DAY, 6), status=status)
    assert "no_show" in flags_of(permit, local(DAY + datetime.timedelta(days=10), 9))


def test_no_no_show_for_a_submitted_permit(community_a, property_a, contractor_a):
    permit = live_permit(community_a, property_a, contractor_a, start=local(DAY, 6), status="submitted")
    assert "no_show" not in flags_of(permit, local(DAY + datetime.timedelta(days=10), 9))


# --- after end ---


def test_after_end_from_the_moment_validity_ends(permit_a):
    at_end = scan(permit_a, permit_a.valid_till)
    assert not at_end.after_end
    assert "after_end" not in flags_of(permit_a, permit_a.valid_till)
    later = scan(permit_a, permit_a.valid_till + datetime.timedelta(seconds=1), EXIT)
    assert later.after_end
    assert "after_end" in flags_of(permit_a, permit_a.valid_till + datetime.timedelta(hours=1))


def test_after_end_once_revoked(permit_a):
    before = scan(permit_a, local(DAY, 9))
    permit = permit_revoke(actor=GATES, permit=permit_a, reason="Safety breach.")
    permit.refresh_from_db()
    late = scan(permit, permit.status_changed_at + datetime.timedelta(seconds=1))
    assert (before.after_end, late.after_end) == (False, True)
    assert "after_end" in flags_of(permit, permit.status_changed_at + datetime.timedelta(minutes=5))


# --- scoping ---


def test_counts_and_filters_are_scoped_to_the_viewers_communities(permit_a, permit_b, manager_a):
    for permit in (permit_a, permit_b):
        scan(permit, local(DAY, 6))  # outside hours
    now = local(DAY, 18)  # both still inside after 17:30: overstay
    mine = scope_to_communities(Permit.objects.all(), manager_a)
    assert flag_counts(mine, now=now) == {"overstay": 1, "outside_hours": 1, "no_show": 0, "after_end": 0}
    assert list(flagged(mine, "overstay", now=now)) == [permit_a]
    everyone = Permit.objects.filter(pk__in=[permit_a.pk, permit_b.pk])
    assert flag_counts(everyone, now=now)["overstay"] == 2
