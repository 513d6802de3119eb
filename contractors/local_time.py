"""A company's clock: the time-zone rule (``portal.core.local_time``) for what belongs to no one community.

A company's trade licence and insurance are company-wide. Its clock is that of the community,
among those it is a member of (in any state), whose clock is furthest ahead: a document has
lapsed for the company as soon as it has lapsed on the clock of one community it works in. A
company with no membership yet keeps the default zone. Whether a *permit* is compliant is
decided on its own community's clock (``permits.services.compliance``).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import Q
from django.utils import timezone

from portal.core.local_time import default_zone, local_today, zones_in_use

from .models import Contractor, ContractorMembership


def contractor_time_zone(contractor: Contractor, *, now: datetime.datetime | None = None) -> zoneinfo.ZoneInfo:
    return contractor_time_zones([contractor.pk], now=now)[contractor.pk]


def contractor_today(contractor: Contractor, *, now: datetime.datetime | None = None) -> datetime.date:
    return local_today(contractor_time_zone(contractor, now=now), now)


def contractor_todays(
    contractor_ids: Iterable[int], *, now: datetime.datetime | None = None
) -> dict[int, datetime.date]:
    """Each company's today (one query)."""
    return {pk: local_today(zone, now) for pk, zone in contractor_time_zones(contractor_ids, now=now).items()}


def contractor_time_zones(
    contractor_ids: Iterable[int], *, now: datetime.datetime | None = None
) -> dict[int, zoneinfo.ZoneInfo]:
    """Each company's clock (one query)."""
    ids, now = set(contractor_ids), now or timezone.now()
    zones: dict[int, list[zoneinfo.ZoneInfo]] = defaultdict(list)
    memberships = ContractorMembership.objects.filter(contractor_id__in=ids).order_by()
    for contractor_id, name in memberships.values_list("contractor_id", "community__time_zone").distinct():
        zones[contractor_id].append(zoneinfo.ZoneInfo(name))
    return {pk: max(zones[pk], key=lambda tz: _wall_clock(tz, now), default=default_zone()) for pk in ids}


def contractor_today_q(condition: Callable[[datetime.date], Q], *, now: datetime.datetime | None = None) -> Q:
    """``condition(today)`` for each company with its own today, as one condition on ``Contractor`` rows.

    Zones fall on at most three dates at any moment; a company takes the latest date among its
    communities', so each date's condition applies to the companies with a community on that
    date and none on a later one.
    """
    by_date: dict[datetime.date, list[int]] = defaultdict(list)
    for name, community_ids in zones_in_use().items():
        by_date[local_today(zoneinfo.ZoneInfo(name), now)] += community_ids
    fallback = local_today(default_zone(), now)
    if set(by_date) <= {fallback}:  # one date for everyone
        return condition(fallback)
    combined, later = Q(pk__in=[]), []
    for day in sorted(by_date, reverse=True):
        combined |= _members(by_date[day]) & ~_members(later) & condition(day)
        later += by_date[day]
    return combined | (~_members(later) & condition(fallback))


def _members(community_ids: list[int]) -> Q:
    """Companies with a membership in one of these communities."""
    if not community_ids:
        return Q(pk__in=[])
    return Q(pk__in=ContractorMembership.objects.filter(community_id__in=community_ids).values("contractor_id"))


def _wall_clock(tz: zoneinfo.ZoneInfo, now: datetime.datetime) -> datetime.datetime:
    return now.astimezone(tz).replace(tzinfo=None)
