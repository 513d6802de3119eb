"""One time-zone rule: what belongs to a community is dated on that community's clock.

"Today", "expires today", "lapsed yesterday" and "submitted at 09:12" for a permit, a
membership, a drift... mean its community's today and clock (``Community.time_zone``), never the
server's. The server's zone (``TIME_ZONE``) is only the default for what belongs to no community.
Every turn of a moment into a day, or of a day into moments, goes through here:

- ``community_today(community)``: the community's date now;
- ``local_day_start(day, tz)``: the moment a local day starts;
- ``community_time(moment, community)``: a moment on the community's clock, for display;
- ``per_zone_q(condition)``: a queryset condition that depends on "today", written once per
  time zone in use and applied to that zone's communities. A list spanning communities in
  several zones is right for each row, for one query (the zones) whatever the number of rows;
- ``local_date_of(field)``: the same in a query expression: the local date of a moment column.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.db.models import Case, DateField, Q, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Community

DayCondition = Callable[[datetime.date, zoneinfo.ZoneInfo], Q]


def default_zone() -> zoneinfo.ZoneInfo:
    """The zone of what belongs to no community (and the admin's own clock)."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_today(tz: datetime.tzinfo, now: datetime.datetime | None = None) -> datetime.date:
    return (now or timezone.now()).astimezone(tz).date()


def community_today(community: Community, now: datetime.datetime | None = None) -> datetime.date:
    """The community's date at ``now`` (default: this moment)."""
    return local_today(community.tzinfo, now)


def community_time(moment: datetime.datetime | None, community: Community) -> datetime.datetime | None:
    """``moment`` on the community's clock (``None`` stays ``None``)."""
    return moment.astimezone(community.tzinfo) if moment else None


def local_day_start(day: datetime.date, tz: datetime.tzinfo) -> datetime.datetime:
    """The first moment of ``day`` in ``tz`` (a day is 23 or 25 hours long where clocks change)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)


def local_days_span(
    first: datetime.date, days: int, tz: datetime.tzinfo
) -> tuple[datetime.datetime, datetime.datetime]:
    """``[start, end)``: the moments of ``days`` local days from ``first`` on."""
    return local_day_start(first, tz), local_day_start(first + datetime.timedelta(days=days), tz)


def zones_in_use() -> dict[str, list[int]]:
    """Community ids by time zone name (one query)."""
    zones: dict[str, list[int]] = defaultdict(list)
    for pk, name in Community.objects.order_by("pk").values_list("pk", "time_zone"):
        zones[name].append(pk)
    return dict(zones)


def per_zone_q(
    condition: DayCondition, *, community_path: str = "community", now: datetime.datetime | None = None
) -> Q:
    """``condition(today, tz)`` for the rows of each zone's communities, ORed: each row judged on its own clock.

    ``community_path`` leads from the filtered model to its community (``"permit__community"``).
    """
    zones = zones_in_use()
    if len(zones) <= 1:  # every row on the same clock: no need to tell communities apart
        tz = zoneinfo.ZoneInfo(next(iter(zones))) if zones else default_zone()
        return condition(local_today(tz, now), tz)
    combined = Q(pk__in=[])
    for name, community_ids in zones.items():
        tz = zoneinfo.ZoneInfo(name)
        combined |= Q(**{f"{community_path}__in": community_ids}) & condition(local_today(tz, now), tz)
    return combined


def local_days_q(
    field: str,
    *,
    days: int,
    start: int = 0,
    community_path: str = "community",
    now: datetime.datetime | None = None,
) -> Q:
    """Rows whose moment ``field`` falls on one of ``days`` local days from today + ``start`` (their community's)."""

    def on_those_days(today: datetime.date, tz: zoneinfo.ZoneInfo) -> Q:
        begin, end = local_days_span(today + datetime.timedelta(days=start), days, tz)
        return Q(**{f"{field}__gte": begin, f"{field}__lt": end})

    return per_zone_q(on_those_days, community_path=community_path, now=now)


def local_date_of(field: str, *, community_path: str = "community"):
    """A query expression: the date the moment ``field`` falls on, on its row's community's clock.

    Rows without a community fall on the default zone's date (on the only zone's, when one is in use).
    """
    zones = zones_in_use()
    if len(zones) <= 1:
        return TruncDate(field, tzinfo=zoneinfo.ZoneInfo(next(iter(zones))) if zones else default_zone())
    return Case(
        *(
            When(**{f"{community_path}__in": community_ids}, then=TruncDate(field, tzinfo=zoneinfo.ZoneInfo(name)))
            for name, community_ids in zones.items()
        ),
        default=TruncDate(field, tzinfo=default_zone()),
        output_field=DateField(),
    )


def zones_of(user_community_ids: set[int] | None) -> list[str]:
    """The time zones of these communities (all communities: ``None``), to name them once on a page."""
    communities = Community.objects.all()
    if user_community_ids is not None:
        communities = communities.filter(pk__in=user_community_ids)
    return sorted(set(communities.values_list("time_zone", flat=True)))
