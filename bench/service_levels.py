"""Workload 8: the decision service-level report (``permits.selectors.service_levels``).

Every permit gets one wait for a decision (one set-based INSERT … SELECT, not timed): started over
the last year, due two days later, decided after 1 to 97 hours (one in 50 still open), so about a
million decided waits at the full size. Then the report as the dashboard and the report page ask
for it: all communities per month, and per community and month with the overdue count, for an
operator (every community) and for the manager of one community.
"""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from permits.models import PermitDecision
from permits.selectors.service_levels import service_levels

from .report import Figure, Report

REPEAT = 3
SEED_WAITS = """
INSERT INTO permits_permitdecision
    (permit_id, community_id, stage, started_at, due_at, remind_at, decided_at, outcome, decided_month,
     elapsed_seconds, working_seconds, reminded_at, escalated_at)
SELECT id, community_id, 'permit', started, started + interval '2 days', started + interval '36 hours',
       CASE WHEN id %% 50 = 0 THEN NULL ELSE started + (1 + id %% 97) * interval '1 hour' END,
       CASE WHEN id %% 50 = 0 THEN '' ELSE 'approved' END,
       CASE WHEN id %% 50 = 0 THEN NULL
            ELSE date_trunc('month', (started + (1 + id %% 97) * interval '1 hour') AT TIME ZONE 'Asia/Dubai')::date
       END,
       CASE WHEN id %% 50 = 0 THEN NULL ELSE (1 + id %% 97) * 3600 END,
       CASE WHEN id %% 50 = 0 THEN NULL ELSE (1 + id %% 97) * 1800 END,
       NULL, NULL
FROM (SELECT id, community_id, now() - (id %% 365) * interval '1 day' - (id %% 24) * interval '1 hour' AS started
      FROM permits_permit) AS permits
"""


def seed_waits() -> int:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM permits_permitdecision")
        cursor.execute(SEED_WAITS, [])
        cursor.execute("VACUUM ANALYZE permits_permitdecision")  # as autovacuum leaves a settled table
    return PermitDecision.objects.count()


def timed(waits, *, by_community: bool) -> tuple[float, int, int]:
    """Median seconds over ``REPEAT`` runs, the queries of one run, and the rows answered."""
    seconds = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            rows = service_levels(waits, months=12, by_community=by_community)
            seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), len(captured.captured_queries), len(rows)


def run(report: Report, sizes) -> None:
    from .admin_list import manager_community

    print("Service-level report: seeding one wait per permit ...", flush=True)
    started = time.perf_counter()
    count = seed_waits()
    print(f"  {count:,} waits in {time.perf_counter() - started:.1f} s", flush=True)
    everyone = PermitDecision.objects.all()
    one = PermitDecision.objects.filter(community__in=[manager_community().pk])
    for who, waits in (("operator", everyone), ("manager of one community", one)):
        for by_community, label in ((False, "per month"), (True, "per community and month")):
            seconds, queries, rows = timed(waits, by_community=by_community)
            report.add(
                Figure(
                    "8 service-level report",
                    f"{who}, {label}: median s over {count:,} waits",
                    round(seconds, 3),
                    "s",
                    goal="< 2 s, <= 6 queries",
                    met=seconds < 2 and queries <= 6,
                    note=f"{queries} queries, {rows} rows",
                )
            )
