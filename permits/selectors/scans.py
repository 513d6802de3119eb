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

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractWeekDay, TruncTime
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.local_time import local_day_start
from portal.core.models import BlackoutDate, Community

from ..choices import PermitStatus, ScanDirection, ScanKind
from ..models import GateScan, GateScanHour, Permit

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


def _by_zone(communities: list[dict]) -> dict[str, list[dict]]:
    zones: dict[str, list[dict]] = defaultdict(list)
    for community in communities:
        zones[community["time_zone"]].append(community)
    return zones


# --- on site now ---


def _later_move(now: datetime.datetime) -> Exists:
    """A later entry or exit of the outer scan's worker (up to ``now``)."""
    return Exists(
        GateScan.objects.filter(
            permit=OuterRef("permit"),
            employee_name=OuterRef("employee_name"),
            kind=ScanKind.SCANNED,
            direction__in=[ScanDirection.ENTRY, ScanDirection.EXIT],
            scanned_at__gt=OuterRef("scanned_at"),
            scanned_at__lte=now,
        )
    )


def _inside_scans(now: datetime.datetime, day_start: datetime.datetime) -> QuerySet:
    """Today's entries not followed by an entry or exit of the same worker: the workers inside now."""
    return GateScan.objects.filter(
        kind=ScanKind.SCANNED,
        direction=ScanDirection.ENTRY,
        scanned_at__gte=day_start,
        scanned_at__lte=now,
    ).exclude(_later_move(now))


def on_site_now(scans: QuerySet, *, now: datetime.datetime | None = None) -> QuerySet:
    """The entry scans of the workers on site now (``scans`` scoped), one per worker, by community and tower.

    "Today" is each community's own day: an entry of yesterday without an exit is not "on site now".
    """
    now = _now(now)
    on_their_day = Q(pk__in=[])
    for zone, communities in _by_zone(_communities()).items():
        tz = zoneinfo.ZoneInfo(zone)
        day_start = local_day_start(now.astimezone(tz).date(), tz)
        ids = [community["pk"] for community in communities]
        on_their_day |= Q(permit__community_id__in=ids, scanned_at__gte=day_start)
    return (
        scans.filter(on_their_day, kind=ScanKind.SCANNED, direction=ScanDirection.ENTRY, scanned_at__lte=now)
        .exclude(_later_move(now))
        .select_related("permit__community", "permit__property", "permit__contractor", "permit__main_unit")
        .order_by("permit__community__name", "permit__property__name", "scanned_at", "pk")
    )


@dataclass
class OnSite:
    counts: list[dict]  # per community and tower: names and the number of workers inside
    total: int
    scans: list[GateScan]  # the entry scans to list (of the chosen tower), at most ``limit``
    truncated: bool


def on_site_summary(scans: QuerySet, *, property_id: int | None = None, limit: int = 200, now=None) -> OnSite:
    """``on_site_now`` counted per tower and listed (of one tower, or all), in two queries: one light pass over
    every worker inside, then the rows to show by id."""
    inside = on_site_now(scans, now=now)
    keys = list(inside.values_list("pk", "permit__property_id", "permit__community__name", "permit__property__name"))
    counts: dict[int, dict] = {}
    for _pk, tower, community_name, tower_name in keys:
        row = counts.setdefault(tower, {"property_id": tower, "community": community_name, "tower": tower_name})
        row["workers"] = row.get("workers", 0) + 1
    chosen = [pk for pk, tower, _c, _t in keys if property_id is None or tower == property_id]
    shown = {scan.pk: scan for scan in inside.filter(pk__in=chosen[:limit])}
    return OnSite(
        counts=list(counts.values()),
        total=len(keys),
        scans=[shown[pk] for pk in chosen[:limit] if pk in shown],
        truncated=len(chosen) > limit,
    )


# --- the flags, as conditions on permits ---


def overstay_q(now: datetime.datetime | None = None) -> Q:
    now = _now(now)
    combined = Q(pk__in=[])
    for zone, communities in _by_zone(_communities()).items():
        tz = zoneinfo.ZoneInfo(zone)
        local_now = now.astimezone(tz)
        # Communities with the same grace and day end share one condition (usually: all of them).
        alike: dict[tuple[int, datetime.time], list[int]] = defaultdict(list)
        for community in communities:
            alike[(community["overstay_grace_minutes"], community["work_day_end"])].append(community["pk"])
        late = Q(pk__in=[])
        for (grace, day_end), ids in alike.items():
            cutoff = local_now - datetime.timedelta(minutes=grace)
            if cutoff.date() != local_now.date():
                continue  # not a minute of today is past time-out plus grace yet
            past = Q(time_out__lt=cutoff.time())
            if day_end < cutoff.time():
                past |= Q(time_out__isnull=True)
            late |= Q(community_id__in=ids) & past
        inside = _inside_scans(now, local_day_start(local_now.date(), tz)).filter(permit=OuterRef("pk"))
        combined |= late & Q(Exists(inside))
    return combined & Q(status__in=LIVE_STATUSES)


def entries_off_hours(scans: QuerySet) -> QuerySet:
    """The entries of ``scans`` outside their permit's daily hours (the community's when the permit has none),
    on their community's clock; an entry at exactly time-in or time-out is inside.

    The rule of the outside-hours flag: applied to each scan as it is recorded (``GateScan.off_hours``; a
    permit's hours are fixed once it is submitted) and to every scan by ``gate_scans_recount``.
    """
    outside = Q(pk__in=[])
    for zone, communities in _by_zone(_communities()).items():
        local_time = TruncTime("scanned_at", tzinfo=zoneinfo.ZoneInfo(zone))
        ids = [community["pk"] for community in communities]
        outside |= Q(permit__community_id__in=ids) & (
            Q(GreaterThan(Coalesce("permit__time_in", "permit__community__work_day_start"), local_time))
            | Q(LessThan(Coalesce("permit__time_out", "permit__community__work_day_end"), local_time))
        )
    return scans.filter(outside, kind=ScanKind.SCANNED, direction=ScanDirection.ENTRY)


def _entries_between(start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    return GateScan.objects.filter(
        permit=OuterRef("pk"),
        kind=ScanKind.SCANNED,
        direction=ScanDirection.ENTRY,
        scanned_at__gte=start,
        scanned_at__lt=end,
    )


def outside_hours_q(now: datetime.datetime | None = None) -> Q:
    """Entries of the last ``FLAG_DAYS`` local days marked off hours, or on a blackout day of the community.

    Blackout days are read as they stand now (a day declared after the entry counts): few, each a range of
    moments on the scan time index.
    """
    now = _now(now)
    communities = _communities()
    combined = Q(pk__in=[])
    windows = {}
    for zone, members in _by_zone(communities).items():
        tz = zoneinfo.ZoneInfo(zone)
        today = now.astimezone(tz).date()
        since = local_day_start(today - datetime.timedelta(days=FLAG_DAYS - 1), tz)
        ids = [community["pk"] for community in members]
        off_hours = GateScan.objects.filter(permit=OuterRef("pk"), off_hours=True, scanned_at__gte=since)
        combined |= Q(community_id__in=ids) & Q(Exists(off_hours.filter(scanned_at__lte=now)))
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
            combined |= Q(community_id=community_id) & Q(Exists(_entries_between(start, end)))
    return combined & Q(status__in=LIVE_STATUSES)


def no_show_q(now: datetime.datetime | None = None) -> Q:
    now = _now(now)
    started_before = defaultdict(list)  # the first moment of the day after the last allowed day: ids
    for community in _communities():
        tz = zoneinfo.ZoneInfo(community["time_zone"])
        today = now.astimezone(tz).date()
        # Allowed days: the first day and the next ``no_show_days - 1``. Flagged when today is past them,
        # i.e. when the first day is before today - no_show_days + 1.
        cutoff = local_day_start(today - datetime.timedelta(days=community["no_show_days"] - 1), tz)
        started_before[cutoff].append(community["pk"])
    combined = Q(pk__in=[])
    for cutoff, ids in started_before.items():
        combined |= Q(community_id__in=ids, valid_from__lt=cutoff)
    return combined & Q(status__in=LIVE_STATUSES, work_started_at__isnull=True)


def after_end_q(now: datetime.datetime | None = None) -> Q:
    return Q(Exists(GateScan.objects.filter(permit=OuterRef("pk"), after_end=True)))


FLAG_CONDITIONS = {
    "overstay": overstay_q,
    "outside_hours": outside_hours_q,
    "no_show": no_show_q,
    "after_end": after_end_q,
}


def flagged(permits: QuerySet, code: str, *, now: datetime.datetime | None = None) -> QuerySet:
    """``permits`` (scoped) carrying the flag ``code``."""
    return permits.filter(FLAG_CONDITIONS[code](now))


def flag_counts(permits: QuerySet, *, now: datetime.datetime | None = None) -> dict[str, int]:
    """How many of ``permits`` (scoped) carry each flag: a count per flag (one aggregate with the four as
    ``FILTER`` clauses tests every condition on every row, ten times slower on PostgreSQL)."""
    return {code: permits.filter(condition(now)).order_by().count() for code, condition in FLAG_CONDITIONS.items()}


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
