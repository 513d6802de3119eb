"""The working-time arithmetic at its edges (``portal.core.working_time``), on Dubai's clock (UTC+4).

Every expected moment below is worked out by hand from the calendar, not from the code.
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from portal.core.working_time import (
    DAYS,
    HOURS,
    NoWorkingDays,
    WorkingCalendar,
    add_working_time,
    deadline,
    reminder_moment,
    working_moment,
    working_seconds_between,
)

DUBAI = zoneinfo.ZoneInfo("Asia/Dubai")
SAT_SUN, FRI_SAT = frozenset({6, 7}), frozenset({5, 6})
# December 2026: Thursday 3, Friday 4, Saturday 5, Sunday 6, Monday 7, Tuesday 8.
NATIONAL_DAY = datetime.date(2026, 12, 2)  # a Wednesday


def cal(weekend=SAT_SUN, holidays=(), opens=(8, 0), closes=(17, 0)) -> WorkingCalendar:
    return WorkingCalendar(
        tz=DUBAI,
        weekend=weekend,
        opens=datetime.time(*opens),
        closes=datetime.time(*closes),
        holidays=frozenset(holidays),
    )


def dubai(day, hour, minute=0) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=DUBAI)


def test_thursday_evening_before_a_friday_saturday_weekend():
    calendar = cal(weekend=FRI_SAT)
    thursday_evening = dubai(3, 19, 30)
    assert working_moment(calendar, thursday_evening) == dubai(6, 8)  # received Sunday morning
    assert deadline(calendar, thursday_evening, 1, DAYS) == dubai(7, 17)  # Monday closing time
    assert deadline(calendar, thursday_evening, 4, HOURS) == dubai(6, 12)  # Sunday noon


def test_thursday_evening_on_the_uae_weekend_friday_is_worked():
    calendar = cal()
    assert deadline(calendar, dubai(3, 19, 30), 1, DAYS) == dubai(7, 17)  # received Friday, +1 day: Monday
    assert deadline(calendar, dubai(3, 15), 2, DAYS) == dubai(7, 17)  # received Thursday: Friday, Monday
    assert deadline(calendar, dubai(4, 15), 4, HOURS) == dubai(7, 10)  # 2 h on Friday, 2 h on Monday


def test_across_a_public_holiday():
    calendar = cal(holidays=[NATIONAL_DAY, NATIONAL_DAY + datetime.timedelta(days=1)])  # Wed 2 and Thu 3
    tuesday_afternoon = dubai(1, 16)
    assert deadline(calendar, tuesday_afternoon, 1, DAYS) == dubai(4, 17)  # Friday
    assert deadline(calendar, tuesday_afternoon, 2, HOURS) == dubai(4, 9)  # 1 h Tuesday, 1 h Friday
    assert working_seconds_between(calendar, tuesday_afternoon, dubai(4, 9)) == 2 * 3600


def test_across_midnight_in_dubai_while_utc_is_still_the_day_before():
    calendar = cal()
    # 00:30 on Tuesday 8 in Dubai is 20:30 on Monday 7 in UTC: the day is Dubai's Tuesday.
    just_after_midnight = datetime.datetime(2026, 12, 7, 20, 30, tzinfo=datetime.UTC)
    assert just_after_midnight.astimezone(DUBAI) == dubai(8, 0, 30)
    assert working_moment(calendar, just_after_midnight) == dubai(8, 8)
    assert deadline(calendar, just_after_midnight, 0, DAYS) == dubai(8, 17)
    assert deadline(calendar, just_after_midnight, 1, HOURS) == dubai(8, 9)
    # 23:30 Monday in Dubai: received Tuesday morning, and Monday's hours do not count.
    assert deadline(calendar, dubai(7, 23, 30), 1, HOURS) == dubai(8, 9)


def test_a_deadline_of_zero():
    calendar = cal()
    assert deadline(calendar, dubai(7, 10), 0, DAYS) == dubai(7, 17)  # the same working day
    assert deadline(calendar, dubai(7, 10), 0, HOURS) == dubai(7, 10)  # at once
    assert deadline(calendar, dubai(5, 10), 0, DAYS) == dubai(7, 17)  # Saturday: Monday is the day of receipt
    assert deadline(calendar, dubai(5, 10), 0, HOURS) == dubai(7, 8)
    assert deadline(calendar, dubai(7, 18), 0, DAYS) == dubai(8, 17)  # after hours: the next day


def test_ending_at_closing_time_stays_there():
    calendar = cal()
    assert add_working_time(calendar, dubai(7, 8), 9 * 3600) == dubai(7, 17)
    assert add_working_time(calendar, dubai(7, 8), 9 * 3600 + 1) == dubai(8, 8, 0) + datetime.timedelta(seconds=1)


def test_working_seconds_between_skip_nights_weekends_and_reversed_spans():
    calendar = cal()
    assert working_seconds_between(calendar, dubai(4, 16), dubai(7, 9)) == 2 * 3600  # Fri 16–17, Mon 8–9
    assert working_seconds_between(calendar, dubai(7, 9), dubai(4, 16)) == 0


def test_reminder_when_three_quarters_of_the_time_passed():
    calendar = cal()
    due = deadline(calendar, dubai(7, 8), 1, DAYS)  # Tuesday 17:00: 18 working hours
    assert reminder_moment(calendar, dubai(7, 8), due, 0.75) == dubai(8, 12, 30)  # 13.5 h in
    assert reminder_moment(calendar, dubai(7, 10), dubai(7, 10), 0.75) == dubai(7, 10)


def test_a_calendar_without_working_days_is_refused():
    with pytest.raises(NoWorkingDays):
        deadline(cal(weekend=frozenset(range(1, 8))), dubai(7, 8), 1, DAYS)
    with pytest.raises(ValueError):
        deadline(cal(), dubai(7, 8), -1, DAYS)
    with pytest.raises(ValueError):
        deadline(cal(), datetime.datetime(2026, 12, 7, 8), 1, DAYS)
