"""``make bench``: the portal's figures at the scale of a large developer, on PostgreSQL.

Drops and creates the database ``permit_portal_bench``, migrates it, seeds it with COPY, runs each
workload, prints a table and writes ``bench/results/latest.json``. Every figure with a reference
point is measured side by side with it in the same run (alternating rounds) and printed as a ratio,
with its goal and whether it is met; the headline figures carry the spread of three rounds.

    python -m bench                 # 1,000,000 permits (about 15 minutes on 2 cores)
    python -m bench --quick         # small sizes: a smoke test of the whole bench
    python -m bench --permits 200000
    python -m bench --quick --only scans --scan-permits 5000 --scans-per-day 50000
    python -m bench --quick --only delivery --partner-latency-ms 50 --delivery-concurrency 16
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--permits", type=int, help="permits in the big estate (default 1,000,000; quick 20,000)")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated workloads to run (seed,admin,expiry,webhook,api,delivery,scans,service_levels); "
        "seeding always runs",
    )
    parser.add_argument("--scan-permits", type=int, help="active permits of the scanned community (default 5,000)")
    parser.add_argument("--scans-per-day", type=int, help="scans a day in that community (default 50,000)")
    parser.add_argument(
        "--partner-latency-ms",
        type=float,
        default=float(os.environ.get("BENCH_PARTNER_LATENCY_MS", "100")),
        help="delay of the partner stand-in on every API call in the delivery workload "
        "(default 100, or BENCH_PARTNER_LATENCY_MS)",
    )
    parser.add_argument(
        "--delivery-concurrency", type=int, help="threads per delivery worker process (-P threads -c N; default 10)"
    )
    parser.add_argument(
        "--admin-requests", type=int, help="timed changelist requests per case and side (default 200; quick 30)"
    )
    return parser.parse_args(argv)


def configure_environment() -> None:
    from . import database

    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.base"
    os.environ["DATABASE_URL"] = database.URL
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SANDBOXES_ENABLED", "true")
    os.environ["OUTBOX_DISPATCH"] = "false"  # the bench process itself never hands rows to a broker
    os.environ["LOG_LEVEL"] = "WARNING"


def main(argv=None) -> int:
    args = parse_args(argv)
    configure_environment()
    from . import database

    print(f"Recreating database {database.NAME} on {database.HOST}:{database.PORT} ...", flush=True)
    database.recreate()
    import django

    django.setup()
    from django.core.management import call_command

    from .report import Report
    from .workloads import Sizes, run_all

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"Migrated in {time.perf_counter() - started:.1f} s", flush=True)
    sizes = Sizes.quick(args.permits) if args.quick else Sizes.full(args.permits)
    sizes.scan_permits = args.scan_permits or sizes.scan_permits
    sizes.scans_per_day = args.scans_per_day or sizes.scans_per_day
    sizes.partner_latency_ms = args.partner_latency_ms
    sizes.delivery_concurrency = args.delivery_concurrency or sizes.delivery_concurrency
    sizes.admin_requests = args.admin_requests or sizes.admin_requests
    report = Report(
        meta=machine(database.server_version(), database.autovacuum()) | {"sizes": sizes.__dict__, "quick": args.quick}
    )
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    try:
        run_all(report, sizes, only)
    finally:
        report.meta["seconds"] = round(time.perf_counter() - started, 1)
        report.meta["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        path = report.write()
        print()
        print(f"Machine: {report.meta['machine']}")
        print(report.table())
        print(f"\nWritten to {path} in {report.meta['seconds']} s")
    return 0 if all(f.met is not False for f in report.figures) else 1


def machine(pg_version: str, autovacuum: str) -> dict:
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            kib = int(handle.readline().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    cpus = os.cpu_count()
    speed = cpu_speed_ms()
    description = (
        f"{cpus} CPUs, {memory} RAM, PostgreSQL {pg_version} (autovacuum {autovacuum}), "
        f"Python {platform.python_version()}; "
        f"speed check {speed} ms"
    )
    return {
        "machine": description,
        "nproc": cpus,
        "memory": memory,
        "postgresql": pg_version,
        "autovacuum": autovacuum,
        "speed_ms": speed,
    }


def cpu_speed_ms(rounds: int = 5) -> float:
    """Best of ``rounds`` timings of a fixed pure-Python loop: how fast this machine's core is today.

    Shared virtual machines differ by two to three times from one day to the next; absolute figures of two
    runs compare only beside this number (lower is faster)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


if __name__ == "__main__":
    sys.exit(main())
