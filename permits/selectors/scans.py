"""What the gate scans tell security and managers: who is on site now, the permits to look at, the trends.

Every function takes an already scoped queryset and answers with a fixed number of queries, whatever the
number of permits or scans. Days and hours are the community's (``portal.core.local_time``).

A *worker* is a permit's pass as scanned for one employee name (a pass scanned without a name is one
worker). Only ``scanned`` scans are read: the gate system reports every entry and exit, and its
first-scan / last-scan notices describe one of those same scans again.

The flags:
- **overstay**: a worker still inside (today's last scan an entry, no exit after it) after the permit's
  daily time-out (the community's day end when the permit has none) plus the community's grace;
  at exactly time-out + grace, not yet;
- **outside hours**: on an approved or active permit, an entry in the last ``FLAG_DAYS`` local days before
  the permit's daily time-in or after its time-out (the community's hours when the permit has none), or on
  a community blackout day;
  an entry at exactly time-in or time-out is inside the hours;
- **no-show**: an approved or active permit not scanned yet once ``no_show_days`` local days have passed
  from its first day (first day 1: with 3, flagged from the start of day 4);
- **after end**: a scan accepted after the permit ended or was revoked (``GateScan.after_end``, decided when
  the scan was recorded; the integrations layer raises a drift for it).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractWeekDay, TruncTime
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.local_time import local_day_start
from portal.core.models import BlackoutDate, Community, Property

from ..choices import PermitStatus, ScanDirection, ScanKind
from ..models import GateScan, GateScanHour, Permit, WorkerPresence

FLAG_DAYS = 7  # outside hours looks at today's entries and those of the 6 days before
TREND_DAYS = 8 * 7
LIVE_STATUSES = (PermitStatus.APPROVED, PermitStatus.ACTIVE)


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    description: str


FLAGS = (
    Flag("overstay", _("Overstay"), _("Still inside after the daily time-out plus the community's grace.")),
    Flag("outside_hours", _("Outside hours"), _("Entered outside the daily hours or on a blackout day (last 7 days).")),
    Flag("no_show", _("No-show"), _("Approved or active, and no scan in the community's no-show days from the start.")),
    Flag("after_end", _("After end"), _("A scan was accepted after the permit ended or was revoked.")),
)
FLAG_CODES = tuple(flag.code for flag in FLAGS)


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _communities() -> list[dict]:
    """The few facts per community the flags need (one query; communities are few)."""
    return list(
        Community.objects.order_by("pk").values(
            "pk", "time_zone", "overstay_grace_minutes", "no_show_days", "work_day_end"
        )
    )


def _among(ids: list[int], communities: list[dict], path: str = "community_id") -> Q:
    """``path`` in ``ids``, or no condition when ``ids`` are every community (one time zone, one setting: the
    usual case). Beside the viewer's own scope, a condition that keeps every row only misleads the planner's
    row estimates (a list that sorts after its joins instead of before)."""
    return Q() if len(ids) == len(communities) else Q(**{f"{path}__in": ids})


def _by_zone(communities: list[dict]) -> dict[str, list[dict]]:
    zones: dict[str, list[dict]] = defaultdict(list)
    for community in communities:
        zones[community["time_zone"]].append(community)
    return zones


# --- on site now ---


def _present(now: datetime.datetime) -> Q:
    """The workers (``WorkerPresence`` rows) inside now: their latest move an entry of their community's today.

    A row per worker holds its latest move, so this is one range of a small partial index per time zone, not a
    search of the day's scans for entries without a later move. (A move timed after ``now``, which only a gate
    clock running ahead reports, hides the worker until then.)
    """
    present = Q(pk__in=[])
    for zone, communities in _by_zone(_communities()).items():
        tz = zoneinfo.ZoneInfo(zone)
        day_start = local_day_start(now.astimezone(tz).date(), tz)
        # Named even when they are every community: an operator's page reads each one's range of the index.
        ids = [community["pk"] for community in communities]
        present |= Q(community_id__in=ids, scanned_at__gte=day_start)
    return present & Q(inside=True, scanned_at__lte=now)


def on_site_now(presence: QuerySet, *, now: datetime.datetime | None = None) -> QuerySet:
    """The workers on site now (``presence``: ``WorkerPresence`` rows, scoped), by community, tower and entry.

    "Today" is each community's own day: an entry of yesterday without an exit is not "on site now".
    """
    return (
        presence.filter(_present(_now(now)))
        .select_related("scan", "permit__community", "permit__property", "permit__contractor", "permit__main_unit")
        .order_by("community__name", "property__name", "property_id", "scanned_at", "pk")
    )


ON_SITE_FIELDS = (  # what a line of the list shows, read as values: 200 lines build no model instances
    "employee_name",
    "scanned_at",
    "scan__gate",
    "permit_id",
    "permit__reference",
    "permit__time_out",
    "permit__contractor__company_name",
    "permit__main_unit__external_id",
    "community__name",
    "community__time_zone",
    "property__name",
)


@dataclass
class OnSite:
    counts: list[dict]  # per community and tower: names and the number of workers inside
    total: int
    workers: list[dict]  # ``ON_SITE_FIELDS`` of the workers to list (of the chosen tower), at most ``limit``
    truncated: bool


def on_site_summary(presence: QuerySet, *, property_id: int | None = None, limit: int = 200, now=None) -> OnSite:
    """``on_site_now`` counted per tower, then listed (of one tower, or all) in two queries: the counts read the
    present rows' index only, and the list reads only the towers its first ``limit`` rows come from."""
    now = _now(now)
    tower = Property.objects.filter(pk=OuterRef("property_id")).order_by()
    # Grouped by tower id alone, then named (annotated after the count: not grouped by): no sort of every row.
    counts = sorted(
        presence.filter(_present(now))
        .values("property_id")
        .annotate(workers=Count("pk"))
        .annotate(community=Subquery(tower.values("community__name")), tower=Subquery(tower.values("name")))
        .order_by(),
        key=lambda row: (row["community"], row["tower"], row["property_id"]),
    )
    matching = [row for row in counts if property_id in (None, row["property_id"])]
    towers, listed = [], 0
    for row in matching:  # the towers the first ``limit`` rows come from, in the list's order
        if listed >= limit:
            break
        towers.append(row["property_id"])
        listed += row["workers"]
    # The rows to show are chosen on the presence rows alone (in the counts' tower order, then by entry), and
    # only those few are joined to what they show.
    order = (
        Case(*(When(property_id=tower, then=Value(index)) for index, tower in enumerate(towers))),
        "scanned_at",
        "pk",
    )
    inside = on_site_now(presence, now=now).filter(property_id__in=towers)
    chosen = inside.order_by(*order).values("pk")[:limit]
    workers = list(inside.filter(pk__in=chosen).order_by(*order).values(*ON_SITE_FIELDS)) if towers else []
    return OnSite(
        counts=counts,
        total=sum(row["workers"] for row in counts),
        workers=workers,
        truncated=sum(row["workers"] for row in matching) > limit,
    )


# --- the flags, as conditions on permits ---


def overstay_q(now: datetime.datetime | None = None, communities: list[dict] | None = None) -> Q:
    now = _now(now)
    combined = Q(pk__in=[])
    every = _communities() if communities is None else communities
    for zone, members in _by_zone(every).items():
        tz = zoneinfo.ZoneInfo(zone)
        local_now = now.astimezone(tz)
        # Communities with the same grace and day end share one condition (usually: all of them).
        alike: dict[tuple[int, datetime.time], list[int]] = defaultdict(list)
        for community in members:
            alike[(community["overstay_grace_minutes"], community["work_day_end"])].append(community["pk"])
        late = Q(pk__in=[])
        for (grace, day_end), ids in alike.items():
            cutoff = local_now - datetime.timedelta(minutes=grace)
            if cutoff.date() != local_now.date():
                continue  # not a minute of today is past time-out plus grace yet
            past = Q(time_out__lt=cutoff.time())
            if day_end < cutoff.time():
                past |= Q(time_out__isnull=True)
            late |= _among(ids, every) & past
        day_start = local_day_start(local_now.date(), tz)
        inside = WorkerPresence.objects.filter(
            _among([community["pk"] for community in members], every),
            permit=OuterRef("pk"),
            inside=True,
            scanned_at__gte=day_start,
            scanned_at__lte=now,
        )
        combined |= late & Q(Exists(inside))
    return combined & Q(status__in=LIVE_STATUSES)


def entries_off_hours(scans: QuerySet) -> QuerySet:
    """The entries of ``scans`` outside their permit's daily hours (the community's when the permit has none),
    on their community's clock; an entry at exactly time-in or time-out is inside.

    The rule of the outside-hours flag: applied to each scan as it is recorded (``GateScan.off_hours`` and the
    permit's ``last_off_hours_entry_at``; a permit's hours are fixed once it is submitted) and to every scan by
    ``gate_scans_off_hours_mark``.
    """
    outside = Q(pk__in=[])
    every = _communities()
    for zone, communities in _by_zone(every).items():
        local_time = TruncTime("scanned_at", tzinfo=zoneinfo.ZoneInfo(zone))
        ids = [community["pk"] for community in communities]
        outside |= _among(ids, every, "permit__community_id") & (
            Q(GreaterThan(Coalesce("permit__time_in", "permit__community__work_day_start"), local_time))
            | Q(LessThan(Coalesce("permit__time_out", "permit__community__work_day_end"), local_time))
        )
    return scans.filter(outside, kind=ScanKind.SCANNED, direction=ScanDirection.ENTRY)


def _entries_between(start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    return GateScan.objects.filter(
        kind=ScanKind.SCANNED,
        direction=ScanDirection.ENTRY,
        scanned_at__gte=start,
        scanned_at__lt=end,
    )


def outside_hours_q(now: datetime.datetime | None = None, communities: list[dict] | None = None) -> Q:
    """An entry off hours in the last ``FLAG_DAYS`` local days, or an entry on a blackout day of the community.

    Off hours is read on the permit (``last_off_hours_entry_at``, kept as each scan is recorded): a range of a
    small index whose rows the planner can count, where a semi-join on the scans was estimated at a row or two
    and joined every permit of the list before sorting it. (The latest entry decides: one timed after ``now``,
    which only a gate clock running ahead reports, hides the earlier ones until then.)
    Blackout days are read as they stand now (a day declared after the entry counts): few, each a range of
    moments on the scan time index.
    """
    now = _now(now)
    communities = _communities() if communities is None else communities
    combined = Q(pk__in=[])
    windows = {}
    for zone, members in _by_zone(communities).items():
        tz = zoneinfo.ZoneInfo(zone)
        today = now.astimezone(tz).date()
        since = local_day_start(today - datetime.timedelta(days=FLAG_DAYS - 1), tz)
        ids = [community["pk"] for community in members]
        combined |= _among(ids, communities) & Q(last_off_hours_entry_at__gte=since, last_off_hours_entry_at__lte=now)
        for community in members:
            windows[community["pk"]] = (tz, today - datetime.timedelta(days=FLAG_DAYS - 1), today)
    blackouts = BlackoutDate.objects.filter(
        community_id__in=list(windows),
        date__gte=min((first for _, first, _ in windows.values()), default=now.date()),
    ).values_list("community_id", "date")
    for community_id, day in blackouts:
        tz, first, last = windows[community_id]
        if first <= day <= last:
            start = local_day_start(day, tz)
            end = min(local_day_start(day + datetime.timedelta(days=1), tz), now + datetime.timedelta(microseconds=1))
            combined |= Q(community_id=community_id, pk__in=_entries_between(start, end).values("permit_id"))
    return combined & Q(status__in=LIVE_STATUSES)


def no_show_q(now: datetime.datetime | None = None, communities: list[dict] | None = None) -> Q:
    now = _now(now)
    started_before = defaultdict(list)  # the first moment of the day after the last allowed day: ids
    every = _communities() if communities is None else communities
    for community in every:
        tz = zoneinfo.ZoneInfo(community["time_zone"])
        today = now.astimezone(tz).date()
        # Allowed days: the first day and the next ``no_show_days - 1``. Flagged when today is past them,
        # i.e. when the first day is before today - no_show_days + 1.
        cutoff = local_day_start(today - datetime.timedelta(days=community["no_show_days"] - 1), tz)
        started_before[cutoff].append(community["pk"])
    combined = Q(pk__in=[])
    for cutoff, ids in started_before.items():
        combined |= _among(ids, every) & Q(valid_from__lt=cutoff)
    return combined & Q(status__in=LIVE_STATUSES, work_started_at__isnull=True)


def after_end_q(now: datetime.datetime | None = None, communities: list[dict] | None = None) -> Q:
    return Q(Exists(GateScan.objects.filter(permit=OuterRef("pk"), after_end=True)))


FLAG_CONDITIONS = {
    "overstay": overstay_q,
    "outside_hours": outside_hours_q,
    "no_show": no_show_q,
    "after_end": after_end_q,
}


def flag_conditions(now: datetime.datetime | None = None) -> dict[str, Q]:
    """Every flag's condition at ``now``, from one read of the communities' settings."""
    now, communities = _now(now), _communities()
    return {code: condition(now, communities) for code, condition in FLAG_CONDITIONS.items()}


def flagged(permits: QuerySet, code: str, *, now: datetime.datetime | None = None) -> QuerySet:
    """``permits`` (scoped) carrying the flag ``code``."""
    return permits.filter(FLAG_CONDITIONS[code](now))


def flag_counts(
    permits: QuerySet, *, now: datetime.datetime | None = None, conditions: dict[str, Q] | None = None
) -> dict[str, int]:
    """How many of ``permits`` (scoped) carry each flag: a count per flag (one aggregate with the four as
    ``FILTER`` clauses tests every condition on every row, ten times slower on PostgreSQL)."""
    conditions = conditions or flag_conditions(now)
    return {code: permits.filter(condition).order_by().count() for code, condition in conditions.items()}


def permit_flags(permit: Permit, *, now: datetime.datetime | None = None) -> list[Flag]:
    """The flags one permit carries (its page)."""
    counts = flag_counts(Permit.objects.filter(pk=permit.pk), now=now)
    return [flag for flag in FLAGS if counts[flag.code]]


# --- trends ---


def scan_trends(community_ids: list[int], *, today: datetime.date, days: int = TREND_DAYS) -> dict[int, list[dict]]:
    """Per community: scans and distinct workers per local day over ``days`` days to ``today`` (one query)."""
    first = today - datetime.timedelta(days=days - 1)
    rows = (
        GateScanHour.objects.filter(community_id__in=community_ids, day__gte=first, day__lte=today)
        .values("community_id", "day")
        .annotate(scans=Sum("scans"), workers=Sum("workers"))
        .order_by()
    )
    found = {(row["community_id"], row["day"]): row for row in rows}
    result = {}
    for community_id in community_ids:
        series = []
        for offset in range(days):
            day = first + datetime.timedelta(days=offset)
            row = found.get((community_id, day), {})
            series.append({"day": day, "scans": row.get("scans", 0), "workers": row.get("workers", 0)})
        result[community_id] = series
    return result


def busiest_hours(community_ids: list[int], *, today: datetime.date, days: int = TREND_DAYS) -> dict[int, dict]:
    """Per community: scans by weekday (Monday first) and local hour over ``days`` days (one query)."""
    first = today - datetime.timedelta(days=days - 1)
    rows = (
        GateScanHour.objects.filter(community_id__in=community_ids, day__gte=first, day__lte=today)
        .annotate(weekday=ExtractWeekDay("day"))  # 1 = Sunday ... 7 = Saturday
        .values("community_id", "weekday", "hour")
        .annotate(scans=Sum("scans"))
        .order_by()
    )
    grid: dict[int, list[list[int]]] = {pk: [[0] * 24 for _ in range(7)] for pk in community_ids}
    for row in rows:
        grid[row["community_id"]][(row["weekday"] + 5) % 7][row["hour"]] += row["scans"]
    return {pk: {"grid": cells, "peak": max(max(line) for line in cells)} for pk, cells in grid.items()}
