"""Workload 5: partner deliveries per second, one and four Celery worker processes against the Buzz-In sandbox.

A dedicated community with an API key, known to an in-process sandbox that waits ``partner_latency_ms``
(100 ms by default: a partner's network and work) on every API call; its contractor is created and
approved at the sandbox first. Each permit gets the two rows ``permit_submit`` writes for Buzz-In
(``permit.create`` then ``permit.submit``, one sequence per permit); the first row of every sequence is
queued, a worker sends it and queues the next one. Clock: from the first enqueue until every row has
succeeded. Workers: ``celery -A portal worker -P threads -c N`` (N = ``delivery_concurrency``, the
concurrency recommended for production: a delivery mostly waits on the partner, so threads, not
processes, fill the wait), first one process, then four, three rounds each. Then the same with one thread a
process (``-c 1``): each process then mostly waits on the partner, so four need little more CPU than the
machine has free, and their scaling shows whether workers hold each other back where cores are not the limit.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from contractors.models import Contractor, ContractorMembership
from permits.models import NocVersion, Permit, Worker
from permits.validators import make_emirates_id
from portal.core.models import Community, Property, Unit
from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.buzzin.models import BuzzinCommunity, BuzzinContractor, BuzzinMembership
from portal.integrations.delivery.dispatch import DELIVERY_TASK_NAME
from portal.integrations.delivery.models import DeliveryState, OutboundDelivery

from .http_load import BROKER, ROOT
from .report import Figure, Report, spread

QUEUE = "bench-delivery"
API_KEY = "bench-delivery-key-0123456789"
MEDIA = ROOT / "bench" / "results" / "media"
NOC_FILE = "bench/noc.pdf"
STALL_SECONDS = 20.0


def _estate() -> tuple[Community, Property, list[Unit], Contractor, ContractorMembership]:
    community = Community.objects.create(name="Bench Delivery", slug="bench-delivery")
    BuzzinCommunity.objects.create(community=community, buzzin_id="b" * 24, api_key=API_KEY)
    prop = Property.objects.create(community=community, name="Delivery Tower", external_id="BENCH-DLV-TWR")
    units = Unit.objects.bulk_create(
        Unit(property=prop, name=f"D{n}", external_id=f"DLV-{n:04d}") for n in range(1, 21)
    )
    expiry = timezone.localdate() + datetime.timedelta(days=700)
    contractor = Contractor.objects.create(
        company_name="Delivery Bench LLC",
        reference="a0Cbenchdelivery01",
        contact_name="Bench Delivery",
        email="delivery@bench.example",
        phone="+971509999999",
        trade_licence_expiry=expiry,
        insurance_expiry=expiry,
    )
    membership = ContractorMembership.objects.create(contractor=contractor, community=community, status="approved")
    return community, prop, units, contractor, membership


def _approve_at_sandbox(url: str, contractor: Contractor, membership: ContractorMembership) -> None:
    from portal.integrations.buzzin.client import BuzzinClient

    client = BuzzinClient(url, API_KEY)
    body = {
        "name": contractor.contact_name,
        "email": contractor.email,
        "phone": contractor.phone,
        "company": {
            "companyName": contractor.company_name,
            "tradeLicense": {"type": "url", "url": "https://files.example.com/licence.pdf"},
            "tradeLicenseExpiryDate": contractor.trade_licence_expiry.isoformat(),
        },
        "integrations": {"damac": {"salesforceId": contractor.reference}},
    }
    buzzin_id = str(client.create_contractor(body).data["_id"])
    client.contractor_action(buzzin_id, "approve")
    BuzzinContractor.objects.update_or_create(contractor=contractor, defaults={"buzzin_id": buzzin_id})
    BuzzinMembership.objects.update_or_create(membership=membership, defaults={"state": "approved"})


def _permits(community, prop, units, contractor, count: int) -> list[OutboundDelivery]:
    now = timezone.now()
    start = now + datetime.timedelta(days=1)
    permits = Permit.objects.bulk_create(
        Permit(
            community=community,
            property=prop,
            main_unit=units[n % len(units)],
            contractor=contractor,
            valid_from=start,
            valid_till=start + datetime.timedelta(days=20),
            time_in=datetime.time(8),
            time_out=datetime.time(17),
            representative_name="Bench Rep",
            representative_contact="+971500000001",
            jobs_summary="Bench delivery.",
            status="approved",
            submitted_at=now,
        )
        for n in range(count)
    )
    Worker.objects.bulk_create(
        Worker(
            permit=permit,
            name=f"Worker {permit.pk}",
            id_number=make_emirates_id(1990, permit.pk % 10_000_000),
            phone="+971501112233",
        )
        for permit in permits
    )
    NocVersion.objects.bulk_create(
        NocVersion(
            permit=permit,
            community_id=permit.community_id,  # bulk_create skips NocVersion.save, which sets it
            version=1,
            is_current=True,
            file=NOC_FILE,
            original_name="noc.pdf",
            content_type="application/pdf",
            size=NOC_FILE_BYTES.__len__(),
            noc_number=f"NOC-D-{permit.pk}",
            issue_date=timezone.localdate(),
            expiry_date=timezone.localdate() + datetime.timedelta(days=60),
        )
        for permit in permits
    )
    rows = []
    for permit in permits:
        for operation in (buzzin_op.PERMIT_CREATE, buzzin_op.PERMIT_SUBMIT):
            rows.append(
                OutboundDelivery(
                    subscriber="buzzin",
                    operation=operation,
                    community=community,
                    target_type="permit",
                    target_id=str(permit.pk),
                    sequence_key=f"buzzin:permit:{permit.pk}",
                    next_attempt_at=now,
                )
            )
    return OutboundDelivery.objects.bulk_create(rows)


NOC_FILE_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _start_worker(sandbox_url: str, number: int, concurrency: int) -> tuple[subprocess.Popen, object]:
    from . import database

    log = open(ROOT / "bench" / "results" / f"celery-{number}.log", "w")  # noqa: SIM115
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DATABASE_URL": database.URL,
        "CELERY_BROKER_URL": BROKER,
        "CELERY_QUEUE": QUEUE,
        "BUZZIN_API_URL": sandbox_url,
        "MEDIA_ROOT": str(MEDIA),
        "OUTBOX_DISPATCH": "true",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "threads", "-c", str(concurrency)]
    command += ["-Q", QUEUE, "-n", f"bench{number}@%h", "--without-heartbeat", "--without-mingle", "--without-gossip"]
    command += ["-l", "info"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    log_path = Path(log.name)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited; see bench/results/celery-{number}.log")
        if " ready." in log_path.read_text(errors="replace"):
            return process, log
        time.sleep(0.3)
    raise RuntimeError("the Celery worker did not start in time")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass
class Round:
    rows: int
    done: int
    seconds: float
    failure: str

    @property
    def rate(self) -> float:
        return self.done / self.seconds


def run(report: Report, sizes) -> None:
    from celery import Celery

    from sandboxes.buzzin import start_sandbox
    from sandboxes.catalogue import buzzin_sandbox_communities

    from .http_load import purge_queue

    latency = sizes.partner_latency_ms / 1000
    concurrency = sizes.delivery_concurrency
    print(
        f"Partner delivery: partner latency {sizes.partner_latency_ms:g} ms, workers -P threads -c {concurrency}, "
        f"{sizes.delivery_permits} permits x 2 rows per worker process and round ...",
        flush=True,
    )
    (MEDIA / "bench").mkdir(parents=True, exist_ok=True)
    (MEDIA / NOC_FILE).write_bytes(NOC_FILE_BYTES)
    community, prop, units, contractor, membership = _estate()
    catalogue = [entry for entry in buzzin_sandbox_communities() if entry["apiKey"] == API_KEY]
    sandbox = start_sandbox("127.0.0.1", 0, communities=catalogue, accept_delay=3600.0, latency=latency)
    broker = Celery(broker=BROKER)
    estate = (community, prop, units, contractor)
    measured: dict[tuple[int, int], Measured] = {}  # (threads a process, processes) -> what was measured
    try:
        _approve_at_sandbox(sandbox.url, contractor, membership)
        for threads, permits in ((concurrency, sizes.delivery_permits), (1, sizes.delivery_permits_one_thread)):
            for processes in (1, 4):
                measured[threads, processes] = _measure(broker, sandbox, estate, sizes, processes, threads, permits)
    finally:
        sandbox.stop()
        broker.close()
        purge_queue_named(QUEUE)
        purge_queue()
    _figures(report, sizes, measured)


@dataclass
class Measured:
    rounds: list[Round]
    cpu_ms: float  # the workers' CPU per delivered row
    sandbox_ms: float  # this process's CPU (the partner stand-in, the polling) per delivered row

    def total(self) -> tuple[float, bool, str]:
        rate = sum(r.done for r in self.rounds) / sum(r.seconds for r in self.rounds)
        complete = all(r.done == r.rows for r in self.rounds)
        return rate, complete, next((r.failure for r in self.rounds if r.failure), "")


def _measure(broker, sandbox, estate: tuple, sizes, processes: int, threads: int, permits: int) -> Measured:
    """``sizes.rounds`` rounds of ``permits`` permits a process through ``processes`` workers of ``threads``."""
    print(f"  {processes} worker process(es), -P threads -c {threads}:", flush=True)
    workers = [_start_worker(sandbox.url, number, threads) for number in range(processes)]
    try:
        cpu_before = sum(_cpu_seconds(worker.pid) for worker, _ in workers)
        sandbox_before = time.process_time()
        rounds = [_round(broker, sandbox, estate, permits * processes) for _ in range(sizes.rounds)]
        delivered = max(sum(r.done for r in rounds), 1)
        cpu_ms = (sum(_cpu_seconds(w.pid) for w, _ in workers) - cpu_before) * 1000 / delivered
        return Measured(rounds, cpu_ms, (time.process_time() - sandbox_before) * 1000 / delivered)
    finally:
        for worker, log in workers:
            _stop(worker)
            log.close()
        purge_queue_named(QUEUE)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _round(broker, sandbox, estate: tuple, permits: int) -> Round:
    rows = _permits(*estate, permits)
    firsts = [row.pk for row in rows if row.operation == buzzin_op.PERMIT_CREATE]
    ids = [row.pk for row in rows]
    started = time.monotonic()
    for pk in firsts:
        broker.send_task(DELIVERY_TASK_NAME, args=[pk], queue=QUEUE)
    open_rows, progress_at = len(ids), time.monotonic()
    # Until every row succeeded, or nothing moved for STALL_SECONDS: no relay runs here, so a row no task
    # will send again stays open, and the round says so.
    while time.monotonic() - progress_at < STALL_SECONDS:
        still_open = OutboundDelivery.objects.filter(pk__in=ids).exclude(state=DeliveryState.SUCCEEDED).count()
        if still_open != open_rows:
            open_rows, progress_at = still_open, time.monotonic()
        if not open_rows:
            break
        time.sleep(0.05)
    # A stalled round is timed to its last delivery (the figure fails on its open rows anyway).
    elapsed = (progress_at - started) if open_rows else time.monotonic() - started
    failure = _open_rows_described(ids) if open_rows else ""
    sandbox.state.scheduler.cancel_all()  # the acceptances the sandbox scheduled an hour ahead: one thread each
    result = Round(len(ids), len(ids) - open_rows, elapsed, failure)
    stalled = f" (stalled: {failure})" if failure else ""
    print(f"  {result.done:,} of {result.rows:,} rows in {elapsed:.1f} s: {result.rate:.1f}/s{stalled}", flush=True)
    return result


def _open_rows_described(ids: list[int]) -> str:
    """What became of the rows that did not succeed; "handed over, never claimed": a task took them to a
    worker, which found the row locked and left it (``sender.claim_delivery``), so only the relay sends it."""
    rows = OutboundDelivery.objects.filter(pk__in=ids).exclude(state=DeliveryState.SUCCEEDED)
    orphans = rows.filter(state=DeliveryState.PENDING, attempt_count=0, dispatched_at__isnull=False).count()
    first = rows.values_list("pk", "state", "last_error").first()
    described = f"#{first[0]} {first[1]} {first[2][:150]}".strip() if first else ""
    return f"{orphans} handed over, never claimed; first open: {described}" if orphans else described


def _figures(report: Report, sizes, measured: dict[tuple[int, int], Measured]) -> None:
    latency = f"partner {sizes.partner_latency_ms:g} ms"
    threads = sizes.delivery_concurrency
    workers = f"-P threads -c {threads}"
    single, busy = measured[threads, 1], measured[threads, 4]
    one, one_complete, one_failure = single.total()
    four, four_complete, four_failure = busy.total()
    report.add(
        Figure(
            "5 partner delivery",
            f"deliveries/s, 1 worker process ({workers}), {latency}",
            round(one, 1),
            "/s",
            goal=">= 50/s, every row delivered",
            met=one >= 50 and one_complete,
            spread=spread([r.rate for r in single.rounds], "/s"),
            note=f"{sum(r.rows for r in single.rounds):,} rows in {sizes.rounds} rounds; worker CPU "
            f"{single.cpu_ms:.1f} ms a delivery (one process's ceiling about "
            f"{1000 / max(single.cpu_ms, 0.1):.0f}/s on a free core); partner stand-in {single.sandbox_ms:.1f} ms"
            + (f"; not delivered: {one_failure}" if not one_complete else ""),
        )
    )
    scaling = four / one
    report.add(
        Figure(
            "5 partner delivery",
            f"deliveries/s, 4 worker processes ({workers} each), {latency}",
            round(four, 1),
            "/s",
            reference=round(one, 1),
            reference_label="1 process",
            ratio=scaling,
            goal=">= 3.2x one process (near-linear), every row delivered",
            met=scaling >= 3.2 and four_complete,
            spread=spread([r.rate for r in busy.rounds], "/s"),
            note=f"{sum(r.rows for r in busy.rounds):,} rows in {sizes.rounds} rounds; {scaling / 4:.0%} of linear; "
            f"worker CPU {busy.cpu_ms:.1f} ms a delivery, {four * busy.cpu_ms / 1000:.2f} cores busy of "
            f"{os.cpu_count()}; partner stand-in {busy.sandbox_ms:.1f} ms a delivery, "
            f"{four * busy.sandbox_ms / 1000:.2f} cores"
            + (f"; not delivered: {four_failure}" if not four_complete else ""),
        )
    )
    _one_thread_figure(report, latency, measured[1, 1], measured[1, 4])


def _one_thread_figure(report: Report, latency: str, one: Measured, four: Measured) -> None:
    """The same scaling where the cores are not the limit: one thread a process waits on the partner most of
    the time, so four processes need little more CPU than the machine has free. What it shows is that workers
    do not hold each other back (rows claimed with ``SKIP LOCKED``, no shared lock)."""
    one_rate, one_complete, _ = one.total()
    four_rate, four_complete, failure = four.total()
    scaling = four_rate / one_rate
    report.add(
        Figure(
            "5 partner delivery",
            f"deliveries/s, 4 worker processes (-P threads -c 1 each: cores not the limit), {latency}",
            round(four_rate, 1),
            "/s",
            reference=round(one_rate, 1),
            reference_label="1 process, -c 1",
            ratio=scaling,
            goal=">= 3.2x one process where cores are free, every row delivered",
            met=scaling >= 3.2 and one_complete and four_complete,
            spread=spread([r.rate for r in four.rounds], "/s"),
            note=f"{sum(r.rows for r in four.rounds):,} rows in {len(four.rounds)} rounds; {scaling / 4:.0%} of "
            f"linear; worker CPU {four.cpu_ms:.1f} ms a delivery, {four_rate * four.cpu_ms / 1000:.2f} cores busy"
            + (f"; not delivered: {failure}" if not four_complete else ""),
        )
    )


def purge_queue_named(name: str) -> None:
    import redis

    client = redis.Redis.from_url(BROKER)
    client.delete(name)
    client.close()
