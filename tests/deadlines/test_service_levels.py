"""The service-level report against a set of waits whose figures were worked out by hand.

Akoya (Dubai, UTC+4) and Thames (London, UTC+0 in winter); the report is made on 15 December 2026.
Working hours to decide, per decision (late = decided after its deadline):

Akoya, November: 2, 4, 6, 10 (late)        -> 4 decisions, 3 within (75 %), median 5, p90 6 + 0.7 × 4 = 8.8
Akoya, December: 3, 5 (late; decided 30 Nov 21:00 UTC = 1 Dec 01:00 in Dubai)
                                           -> 2 decisions, 1 within (50 %), median 4, p90 3 + 0.9 × 2 = 4.8
       plus a withdrawn wait (no decision), one open overdue wait, one open wait not yet due -> overdue now 1
Thames, November: 1, 7 (late; decided 30 Nov 22:00 UTC, still November in London)
                                           -> 2 decisions, 1 within, median 4, p90 1 + 0.9 × 6 = 6.4
All together, November: 1, 2, 4, 6, 7, 10  -> 6 decisions, 4 within, median 5, p90 7 + 0.5 × 3 = 8.5
"""

from __future__ import annotations

import datetime

import pytest

from permits.models import PermitDecision
from permits.selectors.service_levels import service_levels
from portal.core.percentiles import percentile_cont
from tests.factories import CommunityFactory, PermitFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 15, 12, tzinfo=UTC)
NOV, DEC = datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)


def wait(community, decided_at, hours, *, late=False, outcome="approved", month=None):
    """A closed wait; ``month`` is the decision's month on the community's clock, worked out by hand
    (by default the UTC month: the same away from month ends)."""
    due = decided_at + datetime.timedelta(hours=-1 if late else 1)
    withdrawn = outcome == "withdrawn"
    return PermitDecision.objects.create(
        permit=PermitFactory(community=community),
        community=community,
        stage="permit",
        started_at=decided_at - datetime.timedelta(days=3),
        due_at=due,
        remind_at=due,
        decided_at=decided_at,
        outcome=outcome,
        decided_month=None if withdrawn else (month or decided_at.date().replace(day=1)),
        working_seconds=None if withdrawn else round(hours * 3600),
        elapsed_seconds=None if withdrawn else round(hours * 3600),
    )


def open_wait(community, due_at):
    return PermitDecision.objects.create(
        permit=PermitFactory(community=community),
        community=community,
        stage="permit",
        started_at=due_at - datetime.timedelta(days=2),
        due_at=due_at,
        remind_at=due_at,
    )


@pytest.fixture
def facts():
    akoya = CommunityFactory(name="Akoya", time_zone="Asia/Dubai")
    thames = CommunityFactory(name="Thames", time_zone="Europe/London")
    november = datetime.datetime(2026, 11, 10, 9, tzinfo=UTC)
    for hours, late in ((2, False), (4, False), (6, False), (10, True)):
        wait(akoya, november, hours, late=late)
    wait(akoya, datetime.datetime(2026, 12, 3, 9, tzinfo=UTC), 3)
    wait(akoya, datetime.datetime(2026, 11, 30, 21, tzinfo=UTC), 5, late=True, month=DEC)  # 1 Dec in Dubai
    wait(akoya, datetime.datetime(2026, 12, 4, 9, tzinfo=UTC), 0, outcome="withdrawn")
    open_wait(akoya, NOW - datetime.timedelta(hours=2))
    open_wait(akoya, NOW + datetime.timedelta(hours=2))
    wait(thames, november, 1)
    wait(thames, datetime.datetime(2026, 11, 30, 22, tzinfo=UTC), 7, late=True, month=NOV)
    wait(thames, datetime.datetime(2026, 10, 1, 9, tzinfo=UTC), 99)  # October: only in a 3-month report
    return akoya, thames


def figures(level):
    return (level.decisions, level.within, level.share_within, level.median_hours, level.p90_hours)


def test_per_community_and_month(facts):
    rows = service_levels(PermitDecision.objects.all(), months=2, now=NOW)
    table = {(row.community_name, row.month): row for row in rows}
    assert set(table) == {("Akoya", NOV), ("Akoya", DEC), ("Thames", NOV)}
    assert figures(table["Akoya", NOV]) == (4, 3, 0.75, 5.0, 8.8)
    assert figures(table["Akoya", DEC]) == (2, 1, 0.5, 4.0, 4.8)
    assert figures(table["Thames", NOV]) == (2, 1, 0.5, 4.0, 6.4)
    assert table["Akoya", DEC].overdue_now == 1
    assert table["Akoya", NOV].overdue_now is None  # "now" belongs to the current month


def test_all_communities_together_every_month_listed(facts):
    rows = service_levels(PermitDecision.objects.all(), months=3, by_community=False, now=NOW)
    assert [row.month for row in rows] == [datetime.date(2026, 10, 1), NOV, DEC]
    assert figures(rows[0]) == (1, 1, 1.0, 99.0, 99.0)
    assert [
        row.month for row in service_levels(PermitDecision.objects.all(), months=1, by_community=False, now=NOW)
    ] == [DEC]
    assert figures(rows[1]) == (6, 4, 4 / 6, 5.0, 8.5)
    assert figures(rows[2]) == (2, 1, 0.5, 4.0, 4.8)


def test_scoped_to_the_waits_given(facts):
    akoya, _ = facts
    rows = service_levels(PermitDecision.objects.filter(community=akoya), months=2, now=NOW)
    assert {row.community_name for row in rows} == {"Akoya"}


def test_a_community_with_overdue_waits_and_no_decision_this_month_is_listed(facts):
    _, thames = facts
    open_wait(thames, NOW - datetime.timedelta(days=1))
    rows = service_levels(PermitDecision.objects.all(), months=1, now=NOW)
    thames_now = [row for row in rows if row.community_name == "Thames"]
    assert [(row.month, row.decisions, row.overdue_now) for row in thames_now] == [(DEC, 0, 1)]


def test_the_python_percentile_interpolates_like_postgresql():
    assert percentile_cont([10, 2, 6, 4], 0.5) == 5
    assert percentile_cont([2, 4, 6, 10], 0.9) == pytest.approx(8.8)
    assert percentile_cont([3], 0.9) == 3
    assert percentile_cont([], 0.5) is None
