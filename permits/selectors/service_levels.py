"""The service-level report: per community and month, how decisions kept their deadlines.

Facts: the closed waits (``PermitDecision``) that ended in a decision (approved, rejected, sent back
for changes, extended); a wait withdrawn (cancelled, replaced, permit ended) is no decision. Each
counts in the month it was decided on its community's clock (``decided_month``, kept when decided;
empty for a withdrawn wait). Figures per group, all computed by the database in one grouped query
(PostgreSQL's ``percentile_cont``, SQLite's stand-in) that reads a covering index in group order:

- decisions made; decided within the deadline (decided at or before it) and that share;
- median and 90th percentile of the working time to decide, in working hours;

and, per community, the waits overdue now (one more grouped query on the open waits' index).
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, replace

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from portal.core.local_time import default_zone, local_today
from portal.core.models import Community
from portal.core.percentiles import PercentileCont

HOUR = 3600
REPORT_WORK_MEM = "64MB"


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
        return f"{self.month:%m/%y}"


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
    keys = ["community_id", "decided_month"] if by_community else ["decided_month"]
    with sort_memory():
        levels = [_level(row) for row in _grouped(waits, keys, first)]
    if by_community:
        return _with_overdue(levels, waits, now, current=first_month(1, now))
    by_month = {level.month: level for level in levels}
    return [by_month.get(month) or ServiceLevel(month, 0, 0, None, None) for month in _months(first, months)]


@contextmanager
def sort_memory():
    """PostgreSQL sorts each group for ``percentile_cont``: give this transaction room to sort in memory."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        yield


def _grouped(waits: QuerySet, keys: list[str], first: datetime.date) -> QuerySet:
    """One grouped query on the report's index, by ids only (no join): the names come after."""
    return (
        waits.filter(decided_month__gte=first)
        .order_by(*keys)
        .values(*keys)
        .annotate(
            # Columns of the covering index only (not "id"): the scan never visits the table.
            decisions=Count("decided_month"),
            within=Count("due_at", filter=Q(decided_at__lte=F("due_at"))),
            median=PercentileCont("working_seconds", 0.5),
            p90=PercentileCont("working_seconds", 0.9),
        )
    )


def overdue_now(waits: QuerySet, now: datetime.datetime) -> dict[int, int]:
    rows = waits.filter(decided_at__isnull=True, due_at__lte=now).order_by().values_list("community_id")
    return dict(rows.annotate(n=Count("id")))


def _with_overdue(levels, waits, now, *, current) -> list[ServiceLevel]:
    overdue = overdue_now(waits, now)
    present = {level.community_id for level in levels if level.month == current}
    levels = levels + [
        ServiceLevel(current, 0, 0, None, None, pk)  # overdue waits but no decision yet this month
        for pk in overdue
        if pk not in present
    ]
    names = dict(Community.objects.filter(pk__in={level.community_id for level in levels}).values_list("pk", "name"))
    result = [
        replace(
            level,
            community_name=names.get(level.community_id, ""),
            overdue_now=overdue.get(level.community_id, 0) if level.month == current else None,
        )
        for level in levels
    ]
    return sorted(result, key=lambda level: (level.community_name, level.month))


def _level(row: dict) -> ServiceLevel:
    return ServiceLevel(
        month=row["decided_month"],
        decisions=row["decisions"],
        within=row["within"],
        median_hours=_hours(row["median"]),
        p90_hours=_hours(row["p90"]),
        community_id=row.get("community_id"),
    )


def _hours(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / HOUR, 2)


def _months(first: datetime.date, count: int) -> list[datetime.date]:
    months, month = [], first
    for _ in range(count):
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months
