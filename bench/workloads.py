"""The workloads in order, each adding its figures to the report."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .report import Figure, Report, spread


@dataclass
class Sizes:
    permits: int
    small: int = 1_000
    expiry_small: int = 1_000
    expiry_big: int = 100_000
    webhook_events: int = 3_000  # per side (portal, reference), in three rounds
    api_requests: int = 600  # per side, in three rounds
    clients: int = 16
    delivery_permits: int = 300  # per round and worker process: two rows each
    delivery_concurrency: int = 10  # threads per worker process (-P threads -c N)
    delivery_permits_one_thread: int = 40  # per round and process at -c 1: the scaling where cores are free
    partner_latency_ms: float = 100.0  # the partner stand-in's delay on every API call
    admin_requests: int = 200  # timed requests per case and side, in three rounds
    rounds: int = 3
    scan_permits: int = 5_000
    scans_per_day: int = 50_000
    scan_page_requests: int = 50  # timed requests per gate-scan page

    @classmethod
    def full(cls, permits: int | None) -> Sizes:
        return cls(permits=permits or 1_000_000)

    @classmethod
    def quick(cls, permits: int | None) -> Sizes:
        return cls(
            permits=permits or 20_000,
            expiry_big=5_000,
            webhook_events=600,
            api_requests=210,
            delivery_permits=40,
            delivery_permits_one_thread=10,
            admin_requests=30,
            scan_permits=500,
            scans_per_day=5_000,
            scan_page_requests=10,
        )


def run_all(report: Report, sizes: Sizes, only: set[str]) -> None:
    from . import seed

    def wanted(name: str) -> bool:
        return not only or name in only

    started = time.perf_counter()
    estate = seed.seed_estate()
    print(f"Estate seeded in {time.perf_counter() - started:.1f} s", flush=True)
    seed.seed_permits(estate, sizes.small)
    admin_small = None
    if wanted("admin"):
        admin_small = _admin_at(sizes, small=True)
    print(f"Seeding {sizes.permits - sizes.small:,} permits ...", flush=True)
    rate = seed.seed_permits(estate, sizes.permits - sizes.small)
    report.add(
        Figure(
            "1 seeding",
            f"permits/s ({sizes.permits - sizes.small:,} permits, units, workers, NOCs)",
            round(rate),
            "/s",
            goal=">= 20,000/s",
            met=rate >= 20_000,
        )
    )
    if wanted("admin"):
        _admin_figures(report, sizes, admin_small, _admin_at(sizes, small=False))
    if wanted("expiry"):
        from .expiry import run as run_expiry

        run_expiry(report, sizes)
    if wanted("webhook") or wanted("api"):
        from .http_load import run as run_http

        run_http(report, sizes, webhook=wanted("webhook"), api=wanted("api"))
    if wanted("delivery"):
        from .delivery import run as run_delivery

        run_delivery(report, sizes)
    if wanted("scans"):
        from .scans import run as run_scans

        run_scans(report, sizes)
    if wanted("service_levels"):
        from .service_levels import run as run_service_levels

        run_service_levels(report, sizes)


def _admin_at(sizes: Sizes, *, small: bool):
    from . import admin_list

    users = admin_list.bench_users()
    clients = admin_list.clients(users)
    label = "small" if small else "big"
    print(f"Admin changelist at the {label} size ...", flush=True)
    if small:  # only the queries are compared at the small size
        return admin_list.run(clients, 1, 1)
    return admin_list.run(clients, sizes.admin_requests, sizes.rounds)


def _admin_figures(report: Report, sizes: Sizes, small, big) -> None:
    for key, (sample, reference) in big.items():
        user, label = key
        name = f"{user}, {label}"
        queries_small = small[key][0].queries
        report.add(
            Figure(
                "2 admin changelist",
                f"{name}: queries at {sizes.small:,} / {sizes.permits:,}",
                sample.queries,
                "",
                reference=queries_small,
                reference_label=f"at {sizes.small:,}",
                goal="same",  # #23 keeps "constant queries"; the bell and the work-queue counts are 3 of them
                met=sample.queries == queries_small,
                note=f"plain admin: {small[key][1].queries} / {reference.queries}",
            )
        )
        ratio = reference.median_ms / sample.median_ms
        report.add(
            Figure(
                "2 admin changelist",
                f"{name}: median ms (vs careful plain ModelAdmin)",
                round(sample.median_ms, 1),
                "ms",
                reference=round(reference.median_ms, 1),
                reference_label="plain",
                ratio=ratio,
                goal="< 150 ms (ratio: information)",
                met=sample.median_ms < 150,
                spread=spread(sample.round_medians, "ms"),
                note=f"{len(sample.times)} requests a side; plain round medians "
                f"{spread(reference.round_medians, 'ms')}, {reference.queries} queries",
            )
        )
        report.add(
            Figure(
                "2 admin changelist",
                f"{name}: p95 ms (p99 in note)",
                round(sample.p95_ms, 1),
                "ms",
                reference=round(reference.p95_ms, 1),
                reference_label="plain",
                goal="< 300 ms",
                met=sample.p95_ms < 300,
                note=f"p99 {sample.p99_ms:.0f} ms, plain p99 {reference.p99_ms:.0f} ms; {len(sample.times)} requests",
            )
        )
        if label == "unfiltered":
            report.add(
                Figure(
                    "2 admin changelist",
                    f"{name}: COUNT(*) seen in its SQL",
                    float(sample.saw_count),
                    "",
                    goal="no",
                    met=not sample.saw_count,
                    note="yes" if sample.saw_count else "no: pg_class estimate",
                )
            )
