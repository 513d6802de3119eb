"""The service-level report: per community and month, how decisions kept their deadlines.

Facts: the closed waits (``PermitDecision``) that ended in a decision (approved, rejected, sent back
for changes, extended); a wait withdrawn (cancelled, replaced, permit ended) is no decision. Each
counts in the month it was decided, on its community's clock. Figures per group, all computed by the
database in one grouped query (PostgreSQL's ``percentile_cont``, SQLite's stand-in):

- decisions made; decided within the deadline (decided at or before it) and that share;
- median and 90th percentile of the working time to decide, in working hours;

and, per community, the waits overdue now (one more grouped query). Both use the partial indexes
of ``PermitDecision``: the report reads the closed waits of its months, never the permits.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, replace

from django.db.models import Case, Count, DateField, F, Q, QuerySet, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from portal.core.local_time import default_zone, local_day_start, local_today, zones_in_use
from portal.core.percentiles import PercentileCont

from ..choices import DecisionOutcome

DECIDED = [outcome for outcome in DecisionOutcome.values if outcome != DecisionOutcome.WITHDRAWN]
HOUR = 3600


@dataclass(frozen=True)
class ServiceLevel:
    month: datetime.date  # the first day of the month
    decisions: int
    within: int
    median_hours: float | None
    p90_hours: float | None
    community_id: int | None = None  # None: all the communities of the report together
    community_name: str = ""
    overdue_now: int | None = None  # the community's waits overdue at the report's moment (current month's row)

    @property
    def share_within(self) -> float | None:
        return self.within / self.decisions if self.decisions else None

    @property
    def label(self) -> str:
        return f"{self.month:%m/%Y}"


def local_month_of(field: str, *, community_path: str = "community"):
    """The first day of the month of the moment ``field``, on its row's community's clock."""
    zones = zones_in_use()
    if len(zones) <= 1:
        zone = zoneinfo.ZoneInfo(next(iter(zones))) if zones else default_zone()
        return TruncMonth(field, tzinfo=zone, output_field=DateField())
    return Case(
        *(
            When(
                **{f"{community_path}__in": ids},
                then=TruncMonth(field, tzinfo=zoneinfo.ZoneInfo(name), output_field=DateField()),
            )
            for name, ids in zones.items()
        ),
        default=TruncMonth(field, tzinfo=default_zone(), output_field=DateField()),
        output_field=DateField(),
    )


def first_month(months: int, now: datetime.datetime) -> datetime.date:
    month = local_today(default_zone(), now).replace(day=1)
    for _ in range(months - 1):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def service_levels(
    waits: QuerySet, *, months: int = 12, by_community: bool = True, now: datetime.datetime | None = None
) -> list[ServiceLevel]:
    """Rows for the last ``months`` months (the current one included) of ``waits`` (already scoped).

    ``by_community``: one row per community and month with its overdue count on the latest month;
    otherwise one row per month for all of them together, every month present (zeros included).
    """
    now = now or timezone.now()
    first = first_month(months, now)
    since = local_day_start(first, default_zone()) - datetime.timedelta(days=1)  # zones ahead start earlier
    keys = ["community_id", "community__name", "month"] if by_community else ["month"]
    rows = (
        waits.filter(decided_at__gte=since, decided_at__lte=now, outcome__in=DECIDED)
        .annotate(month=local_month_of("decided_at"))
        .order_by()
        .values(*keys)
        .annotate(
            decisions=Count("id"),
            within=Count("id", filter=Q(decided_at__lte=F("due_at"))),
            median=PercentileCont("working_seconds", 0.5),
            p90=PercentileCont("working_seconds", 0.9),
        )
    )
    levels = [_level(row) for row in rows if _as_date(row["month"]) >= first]
    if by_community:
        return _with_overdue(levels, waits, now, current=first_month(1, now))
    by_month = {level.month: level for level in levels}
    return [by_month.get(month) or ServiceLevel(month, 0, 0, None, None) for month in _months(first, months)]


def overdue_now(waits: QuerySet, now: datetime.datetime) -> dict[int, tuple[str, int]]:
    rows = (
        waits.filter(decided_at__isnull=True, due_at__lte=now)
        .order_by()
        .values_list("community_id", "community__name")
        .annotate(n=Count("id"))
    )
    return {pk: (name, n) for pk, name, n in rows}


def _with_overdue(levels, waits, now, *, current) -> list[ServiceLevel]:
    overdue = overdue_now(waits, now)
    result = []
    for level in levels:
        if level.month == current:
            level = replace(level, overdue_now=overdue.get(level.community_id, ("", 0))[1])
        result.append(level)
    present = {level.community_id for level in result if level.month == current}
    for pk, (name, n) in overdue.items():
        if pk not in present:  # overdue waits but no decision yet this month
            result.append(ServiceLevel(current, 0, 0, None, None, pk, name, n))
    return sorted(result, key=lambda level: (level.community_name, level.month))


def _level(row: dict) -> ServiceLevel:
    return ServiceLevel(
        month=_as_date(row["month"]),
        decisions=row["decisions"],
        within=row["within"],
        median_hours=_hours(row["median"]),
        p90_hours=_hours(row["p90"]),
        community_id=row.get("community_id"),
        community_name=row.get("community__name", ""),
    )


def _hours(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / HOUR, 2)


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _months(first: datetime.date, count: int) -> list[datetime.date]:
    months, month = [], first
    for _ in range(count):
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months
