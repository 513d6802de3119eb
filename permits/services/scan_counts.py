"""What is kept with each scan for the flags and trends: the off-hours mark, the hourly counts (``GateScanHour``)
and each worker's latest move (``WorkerPresence``), kept as each scan is recorded and rebuilt in bulk.

Only ``scanned`` scans count: the gate system reports every entry and exit, and a first-scan or
last-scan notice describes one of those same scans again.
"""

from __future__ import annotations

import datetime
import itertools
import zoneinfo
from collections import defaultdict

from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber

from portal.core.local_time import local_day_start

from ..choices import ScanDirection, ScanKind
from ..models import GateScan, GateScanHour, Permit, WorkerPresence
from ..selectors.scans import entries_off_hours


def scan_off_hours_mark(*, permit: Permit, scan: GateScan) -> list[str]:
    """Mark ``scan`` when it is an entry outside its permit's daily hours (the rule: ``entries_off_hours``), and
    keep it as the permit's latest off-hours entry when it is; answers the permit's fields to save."""
    if scan.direction != ScanDirection.ENTRY or not entries_off_hours(GateScan.objects.filter(pk=scan.pk)).exists():
        return []
    scan.off_hours = True
    scan.save(update_fields=["off_hours"])
    if permit.last_off_hours_entry_at is not None and permit.last_off_hours_entry_at >= scan.scanned_at:
        return []  # an earlier entry reported late
    permit.last_off_hours_entry_at = scan.scanned_at
    return ["last_off_hours_entry_at"]


def gate_scans_off_hours_mark(*, community_ids: list[int] | None = None) -> int:
    """Mark every off-hours entry at once, and each permit's latest (after a bulk load, or for scans recorded
    before the marks existed)."""
    scans = GateScan.objects.all()
    permits = Permit.objects.all()
    if community_ids is not None:
        scans = scans.filter(permit__community_id__in=community_ids)
        permits = permits.filter(community_id__in=community_ids)
    marked = GateScan.objects.filter(pk__in=entries_off_hours(scans).values("pk")).update(off_hours=True)
    latest = GateScan.objects.filter(permit=OuterRef("pk"), off_hours=True).order_by("-scanned_at")
    permits.filter(pk__in=GateScan.objects.filter(off_hours=True).values("permit_id")).update(
        last_off_hours_entry_at=Subquery(latest.values("scanned_at")[:1])
    )
    return marked


def scan_hour_count(*, permit: Permit, scan: GateScan) -> None:
    """Count ``scan`` in its community's local hour; a worker's first scan of the local day counts them too."""
    if scan.kind != ScanKind.SCANNED:
        return
    tz = permit.community.tzinfo
    local = scan.scanned_at.astimezone(tz)
    first_today = not _other_scans_that_day(permit, scan, local.date(), tz).exists()
    row, _ = GateScanHour.objects.get_or_create(community_id=permit.community_id, day=local.date(), hour=local.hour)
    GateScanHour.objects.filter(pk=row.pk).update(scans=F("scans") + 1, workers=F("workers") + int(first_today))


def _other_scans_that_day(permit: Permit, scan: GateScan, day: datetime.date, tz):
    start, end = local_day_start(day, tz), local_day_start(day + datetime.timedelta(days=1), tz)
    return GateScan.objects.filter(
        permit=permit,
        employee_name=scan.employee_name,
        kind=ScanKind.SCANNED,
        scanned_at__gte=start,
        scanned_at__lt=end,
    ).exclude(pk=scan.pk)


@transaction.atomic
def gate_scan_hours_rebuild(*, community_ids: list[int] | None = None) -> int:
    """Recount every hour from the scans (after a bulk load, or for scans recorded before the counts existed).

    One pass over the scans, read in chunks; returns the number of hour rows written.
    """
    scans = GateScan.objects.filter(kind=ScanKind.SCANNED)
    if community_ids is not None:
        scans = scans.filter(permit__community_id__in=community_ids)
    counts: dict[tuple[int, datetime.date, int], list[int]] = defaultdict(lambda: [0, 0])
    seen: set[tuple[int, str, datetime.date]] = set()
    zones: dict[str, zoneinfo.ZoneInfo] = {}
    rows = scans.order_by("scanned_at", "pk").values_list(
        "permit_id", "employee_name", "scanned_at", "permit__community_id", "permit__community__time_zone"
    )
    for permit_id, name, moment, community_id, zone in rows.iterator(chunk_size=5000):
        tz = zones.get(zone) or zones.setdefault(zone, _zone(zone))
        local = moment.astimezone(tz)
        cell = counts[(community_id, local.date(), local.hour)]
        cell[0] += 1
        worker_day = (permit_id, name, local.date())
        if worker_day not in seen:
            seen.add(worker_day)
            cell[1] += 1
    stale = GateScanHour.objects.all()
    if community_ids is not None:
        stale = stale.filter(community_id__in=community_ids)
    stale.delete()
    GateScanHour.objects.bulk_create(
        [
            GateScanHour(community_id=community, day=day, hour=hour, scans=scans_, workers=workers)
            for (community, day, hour), (scans_, workers) in counts.items()
        ],
        batch_size=2000,
    )
    return len(counts)


MOVES = (ScanDirection.ENTRY, ScanDirection.EXIT)


def worker_presence_move(*, permit: Permit, scan: GateScan) -> None:
    """Make ``scan`` its worker's latest move when it is (by time, then by order recorded); the caller holds the
    permit's row lock, so two scans of one pass never race for the row."""
    if scan.kind != ScanKind.SCANNED or scan.direction not in MOVES:
        return
    latest = WorkerPresence.objects.filter(permit=permit, employee_name=scan.employee_name).first()
    if latest is None:
        WorkerPresence.objects.create(**_presence_fields(scan, permit), permit=permit)
    elif (scan.scanned_at, scan.pk) > (latest.scanned_at, latest.scan_id):
        WorkerPresence.objects.filter(pk=latest.pk).update(**_presence_fields(scan, permit))


def _presence_fields(scan: GateScan, permit: Permit) -> dict:
    return {
        "community_id": permit.community_id,
        "property_id": permit.property_id,
        "employee_name": scan.employee_name,
        "scan_id": scan.pk,
        "scanned_at": scan.scanned_at,
        "inside": scan.direction == ScanDirection.ENTRY,
    }


@transaction.atomic
def worker_presence_rebuild(*, community_ids: list[int] | None = None) -> int:
    """Every worker's latest move again from the scans (after a bulk load, or for scans recorded before the rows
    existed): one ranked pass over the entries and exits; returns the number of workers written."""
    moves = GateScan.objects.filter(kind=ScanKind.SCANNED, direction__in=MOVES)
    stale = WorkerPresence.objects.all()
    if community_ids is not None:
        moves = moves.filter(permit__community_id__in=community_ids)
        stale = stale.filter(community_id__in=community_ids)
    latest = (
        moves.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("permit_id"), F("employee_name")],
                order_by=[F("scanned_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
        .values_list(
            "pk", "permit_id", "permit__community_id", "permit__property_id", "employee_name", "scanned_at", "direction"
        )
    )
    stale.delete()
    rows = (
        WorkerPresence(
            scan_id=pk,
            permit_id=permit_id,
            community_id=community_id,
            property_id=property_id,
            employee_name=name,
            scanned_at=moment,
            inside=direction == ScanDirection.ENTRY,
        )
        for pk, permit_id, community_id, property_id, name, moment, direction in latest.iterator(chunk_size=5000)
    )
    written = 0
    while batch := list(itertools.islice(rows, 5000)):
        WorkerPresence.objects.bulk_create(batch)
        written += len(batch)
    return written


def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)
