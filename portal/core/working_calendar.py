"""A community's working calendar (``portal.core.working_time``) from its settings and public holidays."""

from __future__ import annotations

import datetime
import functools

from django.db import connection

from . import rows
from .choices import WEEKEND_DAYS, Weekend
from .models import BlackoutDate, Community, PublicHoliday
from .working_time import WorkingCalendar

HOLIDAYS_BEFORE = datetime.timedelta(days=31)  # a clock that started a month ago still sees its holidays


def calendar_for(community: Community, holidays=()) -> WorkingCalendar:
    return WorkingCalendar(
        tz=community.tzinfo,
        weekend=WEEKEND_DAYS.get(community.weekend, WEEKEND_DAYS[Weekend.SAT_SUN]),
        opens=community.work_day_start,
        closes=community.work_day_end,
        holidays=frozenset(holidays),
    )


def community_calendar(community: Community, *, since: datetime.date | None = None) -> WorkingCalendar:
    """The calendar with the community's public holidays from ``since`` (default: a month ago) on; one query."""
    since = since or datetime.date.today() - HOLIDAYS_BEFORE
    days = PublicHoliday.objects.filter(community=community, date__gte=since).values_list("date", flat=True)
    return calendar_for(community, days)


def blackout_dates_between(community_id: int, first: datetime.date, last: datetime.date) -> dict[datetime.date, str]:
    """The community's blackout dates from ``first`` to ``last`` (local dates) with their reasons. Read by every
    new or changed permit's rules: one statement cached per process (``portal.core.rows``)."""
    with connection.cursor() as cursor:
        cursor.execute(_blackouts_sql(), [community_id, first, last])
        days = [rows.instance_from_row(BlackoutDate, row) for row in cursor.fetchall()]
    return {day.date: day.reason for day in days}


@functools.cache
def _blackouts_sql() -> str:
    column = functools.partial(rows.column_sql, BlackoutDate, "d")
    return (
        f"SELECT {rows.columns_sql(BlackoutDate, 'd')} FROM {rows.table_sql(BlackoutDate, 'd')} "
        f"WHERE {column('community')} = %s AND {column('date')} BETWEEN %s AND %s"
    )
