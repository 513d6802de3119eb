"""Workloads 3 and 4: webhook intake and ``POST /api/v1/permits`` through gunicorn, each against a bare view.

The portal runs under gunicorn with the bench settings (``bench.settings``: the product's settings
and URLs plus ``/bench/bare/``). Concurrent clients (threads with keep-alive ``http.client``
connections) send a bounded number of requests; the bare view is measured the same way right
before each workload, so the ratio compares the two on the same server in the same minute.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.utils import timezone

from .report import Figure, Report, percentile

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-webhook-secret-0123456789"
QUEUE = "bench"
BROKER = "redis://127.0.0.1:6379/14"
HOST = "127.0.0.1"


@dataclass
class Load:
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    first_error: str = ""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies, 0.99) * 1000


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, database_url: str, workers: int = 2, threads: int = 4):
        self.port = free_port()
        self.log = open(ROOT / "bench" / "results" / "gunicorn.log", "w")  # noqa: SIM115
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": BROKER,
            "CELERY_QUEUE": QUEUE,
            "BUZZIN_WEBHOOK_SECRET": SECRET,
            "DEBUG": "false",
            "ALLOWED_HOSTS": HOST,
            "OUTBOX_DISPATCH": "true",
            "API_RATE_LIMIT": "1000000/min",  # the bench measures throughput, not the per-key limit
            "LOG_LEVEL": "WARNING",
        }
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "portal.wsgi:application",
            "-w",
            str(workers),
            "-k",
            "gthread",
            "--threads",
            str(threads),
            "-b",
            f"{HOST}:{self.port}",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited; see bench/results/gunicorn.log")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/bench/bare/")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


def drive(port: int, requests: list[tuple[str, str, bytes, dict]], clients: int, expect: set[int]) -> Load:
    """Send every request once from ``clients`` threads, each on its own keep-alive connection."""
    work: queue.SimpleQueue = queue.SimpleQueue()
    for item in requests:
        work.put(item)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list[float] = []
        try:
            while True:
                try:
                    method, path, body, headers = work.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                    status = response.status
                except (OSError, http.client.HTTPException) as error:
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=30)
                    status, payload = 0, str(error).encode()
                mine.append(time.perf_counter() - started)
                if status not in expect:
                    with lock:
                        errors.append(f"{status} {payload[:200]!r}")
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return Load(len(requests), elapsed, latencies, len(errors), errors[0] if errors else "")


def bare_requests(count: int, method: str = "POST", body: bytes = b"{}") -> list[tuple]:
    return [(method, "/bench/bare/", body, {"Content-Type": "application/json"}) for _ in range(count)]


# --- webhook --------------------------------------------------------------------------------


def webhook_requests(count: int) -> list[tuple]:
    from portal.integrations.buzzin.signing import signed_headers

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO integrations_buzzinpermit (permit_id, buzzin_id, status, event_at) "
            "SELECT id, lpad(to_hex(id), 24, '0'), '', NULL FROM permits_permit WHERE id <= 200 "
            "ON CONFLICT (permit_id) DO NOTHING"
        )
        cursor.execute(
            "SELECT b.buzzin_id, c.buzzin_id FROM permits_permit p "
            "JOIN integrations_buzzinpermit b ON b.permit_id = p.id "
            "JOIN integrations_buzzincommunity c ON c.community_id = p.community_id WHERE p.id <= 200 ORDER BY p.id"
        )
        permits = cursor.fetchall()
    now = timezone.now()
    result = []
    for number in range(count):
        buzzin_id, community = permits[number % len(permits)]
        moment = (now + datetime.timedelta(milliseconds=number)).isoformat().replace("+00:00", "Z")
        envelope = {
            "id": f"bench-{uuid.uuid4().hex}",
            "event": "passes.permits.scanned",
            "communityId": community,
            "createdAt": moment,
            "data": {"permitId": buzzin_id, "scannedAt": moment, "direction": "entry", "gate": "Main gate"},
        }
        body = json.dumps(envelope).encode()
        headers = signed_headers(SECRET, body, envelope["event"], f"delivery-{number}")
        result.append(("POST", "/webhooks/buzzin/", body, headers))
    return result


# --- API ------------------------------------------------------------------------------------


def api_requests(count: int) -> list[tuple]:
    from contractors.models import ContractorMembership
    from portal.api.keys import api_key_create
    from portal.core.actors import Actor
    from portal.core.models import Community, Property

    community = Community.objects.get(slug="bench-3")
    _, raw_key = api_key_create(actor=Actor.system("bench"), community=community, name=f"bench {uuid.uuid4().hex[:6]}")
    contractor = (
        ContractorMembership.objects.filter(community=community, status="approved")
        .select_related("contractor")
        .first()
        .contractor
    )
    properties = list(Property.objects.filter(community=community).prefetch_related("units").order_by("pk")[:5])
    start = timezone.now() + datetime.timedelta(days=2)
    run = uuid.uuid4().hex[:5].upper()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {raw_key}"}
    result = []
    for number in range(count):
        prop = properties[number % len(properties)]
        unit = list(prop.units.all())[number % 100]
        body = {
            "salesforcePermitId": f"a1B{run}{number:010d}",
            "contractorSalesforceId": contractor.reference,
            "propertyExternalId": prop.external_id,
            "flatExternalId": unit.external_id,
            "validFrom": _iso(start),
            "validTill": _iso(start + datetime.timedelta(days=30)),
            "jobsSummary": "Full interior fit-out.",
            "noc": {
                "type": "url",
                "url": f"https://files.example.com/noc-{run}-{number}.pdf",
                "nocNumber": f"NOC-{run}-{number}",
                "issueDate": (start - datetime.timedelta(days=5)).date().isoformat(),
                "expiryDate": (start + datetime.timedelta(days=60)).date().isoformat(),
            },
        }
        result.append(("POST", "/api/v1/permits", json.dumps(body).encode(), headers))
    return result


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


# --- the workload ---------------------------------------------------------------------------


def purge_queue() -> None:
    import redis

    client = redis.Redis.from_url(BROKER)
    client.delete(QUEUE, f"{QUEUE}\x06\x163", f"{QUEUE}\x06\x166", f"{QUEUE}\x06\x169")
    client.close()


def run(report: Report, sizes, *, webhook: bool, api: bool) -> None:
    from django.conf import settings

    from . import database

    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    print("Starting gunicorn (2 workers x 4 threads) ...", flush=True)
    server = Gunicorn(database.URL)
    try:
        warm = drive(server.port, bare_requests(200), sizes.clients, {200})
        assert warm.errors == 0, warm.first_error
        if webhook:
            _compare(report, server, sizes, "3 webhook intake", "events", webhook_requests(sizes.webhook_events), 0.5)
        if api:
            _compare(report, server, sizes, "4 API POST /permits", "requests", api_requests(sizes.api_requests), 0.35)
    finally:
        server.stop()
        purge_queue()
        assert settings.DATABASES  # settings stay loaded for the next workload


def _compare(report: Report, server: Gunicorn, sizes, workload: str, unit: str, requests: list, goal: float) -> None:
    print(f"{workload}: {len(requests):,} {unit}, {sizes.clients} clients ...", flush=True)
    expect = {200, 201}
    sample = requests[0][2]
    bare_before = drive(server.port, bare_requests(len(requests) // 2, body=sample), sizes.clients, {200})
    load = drive(server.port, requests, sizes.clients, expect)
    bare_after = drive(server.port, bare_requests(len(requests) // 2, body=sample), sizes.clients, {200})
    bare_rate = (bare_before.requests + bare_after.requests) / (bare_before.seconds + bare_after.seconds)
    bare_p99 = percentile(bare_before.latencies + bare_after.latencies, 0.99) * 1000
    ratio = load.rate / bare_rate
    report.add(
        Figure(
            workload,
            f"{unit}/s ({len(requests):,}, {sizes.clients} clients) vs bare view",
            round(load.rate, 1),
            "/s",
            reference=round(bare_rate, 1),
            reference_label="bare",
            ratio=ratio,
            goal=f">= {goal}x bare",
            met=ratio >= goal and load.errors == 0,
            note=f"errors: {load.errors} {load.first_error}".strip(),
        )
    )
    report.add(
        Figure(
            workload,
            "p99 ms (bare view in brackets)",
            round(load.p99_ms, 1),
            "ms",
            reference=round(bare_p99, 1),
            reference_label="bare",
        )
    )
    if load.errors:
        print(f"  {load.errors} unexpected answers, first: {load.first_error}", flush=True)
