"""A community's working calendar (``portal.core.working_time``) from its settings and public holidays."""

from __future__ import annotations

import datetime

from .choices import WEEKEND_DAYS, Weekend
from .models import Community, PublicHoliday
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
