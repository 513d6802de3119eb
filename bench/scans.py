"""Workload 7: gate scans at the size of a busy community (5,000 active permits, 50,000 scans a day).

Seeds one community (``bench-1``, the bench manager's) with active permits and eight weeks of scans
with COPY, then rebuilds what the portal keeps with each scan as it records it (timed: the one-off cost
after a bulk load): the off-hours marks, the hourly counts the trends read and each worker's latest move
(``WorkerPresence``, what "On site now" and overstay read), then measures as its manager, in process:
"On site now" (page and the fragment it polls), the admin index with the flag and trend panels, and the
permit list filtered by each flag. Queries are counted at the quick and the full size by running the same
pages on a second, small community.
"""

from __future__ import annotations

import datetime
import random
import time
import zoneinfo

from django.db import connection, transaction
from django.utils import timezone

from permits.models import GateScan, NocVersion, Permit, PermitUnit, Worker, WorkerPresence
from permits.selectors.scans import FLAG_CODES
from permits.services.scan_counts import (
    gate_scan_hours_rebuild,
    gate_scans_off_hours_mark,
    worker_presence_rebuild,
)
from portal.core.local_time import local_day_start, local_today
from portal.core.models import Community

from . import admin_list, database
from .copy import CopyTable, reset_sequence, text
from .report import Figure, Report
from .seed import _copy_children, _copy_permits, _load_estate

WEEKS = 8
NEVER_SCANNED = 0.03  # permits whose pass is never used: the no-show flag
EARLY = 0.01  # entries before the daily time-in: the outside-hours flag
STAY_LATE = 0.01  # workers who never scan out: overstay
GOAL_MS = 150
GOAL_P95_MS = 300


def seed_community(community: Community, permits: int, scans_per_day: int, *, seed: int = 11) -> tuple[int, float]:
    """``permits`` active permits and ``WEEKS`` weeks of scans up to now; returns (scans, seconds)."""
    started = time.perf_counter()
    estate = _load_estate()
    rng = random.Random(seed)
    first = {model: _next_id(model) for model in (Permit, Worker, NocVersion, PermitUnit)}
    now = timezone.now()
    tz = community.tzinfo
    today = now.astimezone(tz).date()
    first_day = today - datetime.timedelta(days=WEEKS * 7 - 1)
    moments = [text(_local(first_day - datetime.timedelta(days=3), 6, tz)), text(now + datetime.timedelta(days=60))]
    plan = []
    for _ in range(permits):
        prop = rng.choice(estate.properties_by_community[community.pk])
        unit = estate.first_unit_by_property[prop] + rng.randrange(100)
        contractor = rng.choice(estate.contractors_by_community[community.pk])
        plan.append((community.pk, prop, unit, contractor, 0, 1, "active", 0))
    with transaction.atomic():
        _copy_permits(first[Permit], plan, moments)
        _copy_children(first, 0, plan, moments)
    for model in (Permit, Worker, NocVersion, PermitUnit):
        reset_sequence(model)
    permit_ids = list(range(first[Permit], first[Permit] + permits))
    used = [pk for pk in permit_ids if rng.random() >= NEVER_SCANNED]
    count = _copy_scans(used, scans_per_day, first_day, today, now, tz, rng)
    Permit.objects.filter(pk__in=used).update(work_started_at=_local(first_day, 6, tz))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE permits_gatescan")
        cursor.execute("ANALYZE permits_permit")
    return count, time.perf_counter() - started


def _copy_scans(permits, scans_per_day, first_day, today, now, tz, rng) -> int:
    """Per day, ``scans_per_day / 2`` workers each entering in the morning and leaving in the afternoon."""
    start_id = (GateScan.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    columns = ["id", "permit_id", "event_id", "kind", "scanned_at", "direction", "gate", "employee_name"]

    def rows():
        pk = start_id
        day = first_day
        while day <= today:
            for worker in range(scans_per_day // 2):
                permit = permits[worker % len(permits)]
                name = f"Worker {worker // len(permits) + 1}"
                hour = 6 if rng.random() < EARLY else rng.randrange(8, 11)  # the bench permits' hours: 08:00-17:00
                entry = _local(day, hour, tz) + datetime.timedelta(minutes=rng.randrange(60))
                leave = _local(day, rng.randrange(15, 18), tz) + datetime.timedelta(minutes=rng.randrange(60))
                for moment, direction in ((entry, "entry"), (leave, "exit")):
                    if moment > now or (direction == "exit" and day == today and rng.random() < STAY_LATE):
                        continue
                    yield (str(pk), str(permit), f"bench-scan-{pk}", "scanned", text(moment), direction, "Gate 1", name)
                    pk += 1
            day += datetime.timedelta(days=1)

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
        count = CopyTable(GateScan, columns).write(rows())
    reset_sequence(GateScan)
    return count


def _local(day: datetime.date, hour: int, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=tz)


def _next_id(model) -> int:
    return (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1


def pages() -> dict[str, str]:
    result = {
        "on site now: page": "/admin/permits/gatescan/on-site/",
        "on site now: fragment": "/admin/permits/gatescan/on-site/fragment/",
        "dashboard (admin index)": "/admin/",
        # Fetched into its place on the index once the page is shown (dashboard-panels.js).
        "dashboard: gate-scan flags and trends (fragment)": "/admin/permits/gatescan/dashboard-panels/",
    }
    for code in FLAG_CODES:
        result[f"permit list, flag {code}"] = f"/admin/permits/permit/?scan_flag={code}"
    return result


REFERENCE_URL = "/admin/permits/permit/?status__exact=active"  # the review list, same manager, same run


def measure_all(client, repeat: int) -> dict[str, admin_list.Sample]:
    return {label: admin_list.measure(client, url, repeat) for label, url in pages().items()}


def run(report: Report, sizes) -> None:
    print("Gate scans ...", flush=True)
    users = admin_list.bench_users()
    community = admin_list.manager_community()
    small = Community.objects.get(slug="bench-2")
    seed_community(small, permits=50, scans_per_day=200, seed=12)
    gate_scans_off_hours_mark(community_ids=[small.pk])
    gate_scan_hours_rebuild(community_ids=[small.pk])
    worker_presence_rebuild(community_ids=[small.pk])
    count, seconds = seed_community(community, sizes.scan_permits, sizes.scans_per_day)
    started = time.perf_counter()
    gate_scans_off_hours_mark(community_ids=[community.pk])
    marked = time.perf_counter() - started
    started = time.perf_counter()
    gate_scan_hours_rebuild(community_ids=[community.pk])
    rebuild = time.perf_counter() - started
    started = time.perf_counter()
    workers = worker_presence_rebuild(community_ids=[community.pk])
    placed = time.perf_counter() - started
    database.settle(GateScan, WorkerPresence, Permit)
    size = f"{sizes.scan_permits:,} active permits, {count:,} scans"
    report.add(Figure("7 gate scans", f"seeded {size}", round(seconds, 1), "s", note="COPY"))
    report.add(Figure("7 gate scans", "off-hours entries marked in bulk (one-off)", round(marked, 1), "s"))
    report.add(Figure("7 gate scans", "hourly counts rebuilt from every scan (one-off)", round(rebuild, 1), "s"))
    report.add(
        Figure(
            "7 gate scans",
            "latest move per worker rebuilt from every scan (one-off)",
            round(placed, 1),
            "s",
            note=f"{workers:,} workers, {_inside(community):,} on site now",
        )
    )

    manager_big = admin_list.clients(users)["manager"]
    big = measure_all(manager_big, sizes.scan_page_requests)
    small_manager = _manager_of(small)
    few = measure_all(small_manager, 3)
    reference = admin_list.measure(manager_big, REFERENCE_URL, sizes.scan_page_requests)
    for label, sample in big.items():
        report.add(
            Figure(
                "7 gate scans",
                f"{label}: median / p95 ms",
                round(sample.median_ms, 1),
                "ms",
                reference=round(reference.median_ms, 1),
                reference_label="active permits list",
                ratio=reference.median_ms / sample.median_ms,
                goal=f"< {GOAL_MS} ms, p95 < {GOAL_P95_MS} ms",
                met=sample.status == 200 and sample.median_ms < GOAL_MS and sample.p95_ms < GOAL_P95_MS,
                note=f"p95 {sample.p95_ms:.0f} ms",
            )
        )
        report.add(
            Figure(
                "7 gate scans",
                f"{label}: queries, small / big community",
                sample.queries,
                "",
                reference=few[label].queries,
                reference_label="small community",
                goal="the same",
                met=sample.queries == few[label].queries,
            )
        )


def _inside(community: Community) -> int:
    return WorkerPresence.objects.filter(
        community=community,
        inside=True,
        scanned_at__gte=local_day_start(local_today(community.tzinfo), community.tzinfo),
    ).count()


def _manager_of(community: Community):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from portal.core.models import StaffMembership

    user, created = get_user_model().objects.get_or_create(username="bench-manager-2", defaults={"is_staff": True})
    if created:
        user.groups.add(Group.objects.get(name="Property managers"))
        StaffMembership.objects.create(user=user, community=community)
    client = Client()
    client.force_login(user)
    return client
