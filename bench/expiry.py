"""Workload 6: the expiry sweep (``permits_expire_due``) over 1,000 and then 100,000 due permits."""

from __future__ import annotations

import datetime
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from permits.services.expiry import permits_expire_due

from .report import Figure, Report


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
        cursor.execute("ANALYZE permits_permit")


def sweep(count: int) -> tuple[float, int, int]:
    make_due(count)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        expired = permits_expire_due()
        elapsed = time.perf_counter() - started
    return elapsed, len(captured.captured_queries), expired


def run(report: Report, sizes) -> None:
    print("Expiry sweep ...", flush=True)
    small_seconds, small_queries, small_expired = sweep(sizes.expiry_small)
    seconds, queries, expired = sweep(sizes.expiry_big)
    report.add(
        Figure(
            "6 expiry sweep",
            f"seconds for {expired:,} due permits",
            round(seconds, 2),
            "s",
            goal="< 10 s",
            met=seconds < 10 and expired == sizes.expiry_big,
            note=f"{small_expired:,} due: {small_seconds:.2f} s",
        )
    )
    report.add(
        Figure(
            "6 expiry sweep",
            f"queries at {sizes.expiry_small:,} / {sizes.expiry_big:,} due",
            queries,
            "",
            reference=small_queries,
            reference_label=f"at {sizes.expiry_small:,}",
            goal="the same",
            met=queries == small_queries and small_expired == sizes.expiry_small,
        )
    )
