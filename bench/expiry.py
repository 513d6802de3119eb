"""Workload 6: the expiry sweep (``permits_expire_due``) over 1,000 and then 100,000 due permits.

The 100,000 are swept twice: on one connection (statements counted per batch, the time for reference) and on
``EXPIRY_SWEEP_CONNECTIONS`` connections side by side, as the scheduled sweep runs (the timed figure).

One due permit in ``VEHICLE_SHARE`` carries two parked vehicles, so the sweep also plans their parking
deletes (OPS-COM's subscriber, in the same transaction as each batch).
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from permits.models import Permit, Vehicle
from permits.services.expiry import permits_expire_due
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery

from . import database
from .report import Figure, Report

VEHICLE_SHARE = 4  # one due permit in four has two parked vehicles
PARKING_DELETE = "parking.delete"


TABLES = (Permit, Vehicle, AuditEvent, OutboundDelivery)  # what a sweep reads and writes


def make_due(count: int) -> None:
    """Exactly ``count`` permits due: every other live permit is moved out of the way first (not timed)."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE permits_permit SET valid_till = %s + interval '30 days' "
            "WHERE status IN ('approved', 'active') AND valid_till <= %s",
            [now, now],
        )
        cursor.execute(
            "UPDATE permits_permit SET status = CASE WHEN id %% 5 = 0 THEN 'approved' ELSE 'active' END, "
            "valid_from = %s, valid_till = %s "
            "WHERE id IN (SELECT id FROM permits_permit WHERE status = 'expired' ORDER BY id LIMIT %s)",
            [now - datetime.timedelta(days=30), now - datetime.timedelta(hours=1), count],
        )
        # Two parked vehicles on one due permit in VEHICLE_SHARE (once: a permit due again keeps its own).
        cursor.execute(
            "INSERT INTO permits_vehicle (permit_id, plate, position, parking_state, parking_error) "
            "SELECT p.id, 'BENCH' || p.id || 'P' || n, n, 'active', '' "
            "FROM permits_permit p CROSS JOIN generate_series(1, 2) AS n "
            "WHERE p.status IN ('approved', 'active') AND p.valid_till <= %s AND p.id %% %s = 0 "
            "AND NOT EXISTS (SELECT 1 FROM permits_vehicle v WHERE v.permit_id = p.id)",
            [now, VEHICLE_SHARE],
        )
        cursor.execute("ANALYZE permits_permit")
        cursor.execute("ANALYZE permits_vehicle")


def sweep(count: int, connections: int = 1) -> tuple[float, list[int], int, int]:
    """Seconds, statements of each batch that expired permits, permits expired and parking deletes planned
    by one sweep over ``count`` due permits on ``connections`` connections (statements are counted on one: the
    others are the sweep's own threads')."""
    make_due(count)
    database.settle(*TABLES)  # every sweep starts from settled tables, the due permits' update long vacuumed
    deletes_before = _parking_deletes()
    marks: list[tuple[int, int]] = []  # (statements so far, permits expired so far) after each batch
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        expired = permits_expire_due(
            connections=connections,
            progress=lambda total: marks.append((len(captured.captured_queries), total)),
        )
        elapsed = time.perf_counter() - started
    per_batch, previous = [], (0, 0)
    for mark in marks:
        if mark[1] > previous[1]:
            per_batch.append(mark[0] - previous[0])
        previous = mark
    return elapsed, per_batch, expired, _parking_deletes() - deletes_before


def _parking_deletes() -> int:
    return OutboundDelivery.objects.filter(operation=PARKING_DELETE).count()


def run(report: Report, sizes) -> None:
    print("Expiry sweep ...", flush=True)
    small_seconds, small_batches, small_expired, small_deletes = sweep(sizes.expiry_small)
    one_seconds, batches, one_expired, _ = sweep(sizes.expiry_big)
    sweeps = settings.EXPIRY_SWEEP_CONNECTIONS
    seconds, _, expired, deletes = sweep(sizes.expiry_big, connections=sweeps)
    database.settle(*TABLES)  # before the next workloads read them
    report.add(
        Figure(
            "6 expiry sweep",
            f"seconds for {expired:,} due permits ({sweeps} connections, EXPIRY_SWEEP_CONNECTIONS)",
            round(seconds, 2),
            "s",
            reference=round(one_seconds, 2),
            reference_label="one connection",
            ratio=one_seconds / seconds,
            goal="< 10 s",
            met=seconds < 10 and expired == one_expired == sizes.expiry_big,
            note=f"{small_expired:,} due: {small_seconds:.2f} s; parking deletes planned: {deletes:,} "
            f"(at {sizes.expiry_small:,}: {small_deletes:,})",
        )
    )
    report.add(
        Figure(
            "6 expiry sweep",
            f"statements per batch (of up to 5,000) at {sizes.expiry_small:,} / {sizes.expiry_big:,} due",
            max(batches),
            "",
            reference=max(small_batches),
            reference_label=f"at {sizes.expiry_small:,}",
            goal="the same in every batch, parking deletes written",
            met=bool(batches)
            and set(batches) == set(small_batches)
            and small_expired == sizes.expiry_small
            and deletes > 0,
            note=f"{len(batches)} batches: {sorted(set(batches))} statements; at {sizes.expiry_small:,}: "
            f"{small_batches}",
        )
    )
