"""Working-time arithmetic on a community's calendar: pure functions, no database.

A ``WorkingCalendar`` says which days are worked (not the weekend, not a public holiday) and the
working hours of each worked day, on the community's clock. On it:

- ``working_moment(cal, moment)``: the first working moment at or after ``moment``: the clock
  only runs in working hours, so something received at night is received when the office opens;
- ``add_working_time(cal, start, seconds)``: ``start`` plus that much working time. Ending exactly
  at closing time stays at closing time (not the next morning);
- ``working_days_deadline(cal, start, days)``: closing time of the ``days``-th working day after
  the day of receipt (the day of ``working_moment(start)``); 0 days: closing time of that day.
  A permit submitted on Thursday evening before a Friday–Saturday weekend is received on Sunday,
  so one working day means Monday at closing time;
- ``working_seconds_between(cal, start, end)``: the working time that passed between two moments.

Moments are aware datetimes; each day's opening and closing are built on the local clock and
compared as instants, so a day where clocks change is still right. Dubai has no such day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

HOURS = "hours"
DAYS = "days"
SEARCH_LIMIT_DAYS = 3 * 366  # a calendar without a working day in three years is a configuration error


class NoWorkingDays(ValueError):
    """The calendar has no working day in reach: every weekday is a weekend, or holidays cover years."""


@dataclass(frozen=True)
class WorkingCalendar:
    tz: datetime.tzinfo
    weekend: frozenset[int]  # ISO weekdays: Monday 1 … Sunday 7
    opens: datetime.time
    closes: datetime.time
    holidays: frozenset[datetime.date] = field(default_factory=frozenset)

    def is_working_day(self, day: datetime.date) -> bool:
        return day.isoweekday() not in self.weekend and day not in self.holidays

    def hours_of(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        """Opening and closing of ``day`` as instants (UTC)."""
        return (
            datetime.datetime.combine(day, self.opens, tzinfo=self.tz).astimezone(datetime.UTC),
            datetime.datetime.combine(day, self.closes, tzinfo=self.tz).astimezone(datetime.UTC),
        )

    def local_day(self, moment: datetime.datetime) -> datetime.date:
        return moment.astimezone(self.tz).date()


def _working_days_from(cal: WorkingCalendar, day: datetime.date):
    """Worked days from ``day`` on (``day`` included when worked)."""
    for offset in range(SEARCH_LIMIT_DAYS):
        candidate = day + datetime.timedelta(days=offset)
        if cal.is_working_day(candidate):
            yield candidate
    raise NoWorkingDays("No working day within three years: check the weekend and the public holidays.")


def _require_aware(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        raise ValueError("Working time needs an aware datetime.")
    return moment.astimezone(datetime.UTC)


def add_working_time(cal: WorkingCalendar, start: datetime.datetime, seconds: float) -> datetime.datetime:
    """``start`` plus ``seconds`` of working time (0: the first working moment at or after ``start``)."""
    if seconds < 0:
        raise ValueError("Working time to add must not be negative.")
    moment, remaining = _require_aware(start), datetime.timedelta(seconds=seconds)
    for day in _working_days_from(cal, cal.local_day(moment)):
        opens, closes = cal.hours_of(day)
        begin = max(moment, opens)
        if begin >= closes:
            continue
        if remaining <= closes - begin:
            return begin + remaining
        remaining -= closes - begin
    raise NoWorkingDays("unreachable")  # pragma: no cover — the generator raises first


def working_moment(cal: WorkingCalendar, moment: datetime.datetime) -> datetime.datetime:
    """The first working moment at or after ``moment``."""
    return add_working_time(cal, moment, 0)


def working_days_deadline(cal: WorkingCalendar, start: datetime.datetime, days: int) -> datetime.datetime:
    """Closing time of the ``days``-th working day after the day ``start`` is received (0: that day)."""
    if days < 0:
        raise ValueError("A deadline must not be negative.")
    received = cal.local_day(working_moment(cal, start))
    for index, day in enumerate(_working_days_from(cal, received)):
        if index == days:
            return cal.hours_of(day)[1]
    raise NoWorkingDays("unreachable")  # pragma: no cover


def deadline(cal: WorkingCalendar, start: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
    """The moment by which something received at ``start`` must be decided: ``amount`` working hours or days."""
    if unit == HOURS:
        return add_working_time(cal, start, amount * 3600)
    if unit == DAYS:
        return working_days_deadline(cal, start, amount)
    raise ValueError(f"Unknown deadline unit {unit!r}.")


def working_seconds_between(cal: WorkingCalendar, start: datetime.datetime, end: datetime.datetime) -> int:
    """Working time from ``start`` to ``end`` in whole seconds (0 when ``end`` is not after ``start``)."""
    start, end = _require_aware(start), _require_aware(end)
    total = datetime.timedelta()
    day, last = cal.local_day(start), cal.local_day(end)
    while day <= last:
        if cal.is_working_day(day):
            opens, closes = cal.hours_of(day)
            begin, finish = max(start, opens), min(end, closes)
            if finish > begin:
                total += finish - begin
        day += datetime.timedelta(days=1)
    return int(total.total_seconds())


def reminder_moment(
    cal: WorkingCalendar, start: datetime.datetime, due: datetime.datetime, share: float
) -> datetime.datetime:
    """When ``share`` of the working time between receipt and the deadline has passed."""
    allowed = working_seconds_between(cal, start, due)
    return min(add_working_time(cal, start, allowed * share), _require_aware(due))
