"""Workloads 3 and 4: webhook intake and ``POST /api/v1/permits`` through gunicorn, each against its reference.

The portal runs under gunicorn with the bench settings (``bench.settings``: the product's settings and
URLs plus the references of ``bench.urls``). Concurrent clients (threads with keep-alive ``http.client``
connections) send a bounded number of requests. Each workload is measured in three rounds, the portal's
path and its reference alternating round by round on the same server, so the ratio compares the two in
the same minutes; the spread is that of the three rounds. The references do the same durable work the
plain way (``bench.reference_webhook``, ``bench.reference_api``); the bare view, which reads no body and
touches no database, is printed as the server's ceiling only.
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

from .report import Figure, Report, percentile, spread

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


def webhook_requests(count: int, path: str = "/webhooks/buzzin/") -> list[tuple]:
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
        headers = signed_headers(SECRET, body, envelope["event"], f"delivery-{uuid.uuid4().hex[:12]}")
        result.append(("POST", path, body, headers))
    return result


# --- API ------------------------------------------------------------------------------------


def api_requests(count: int, path: str = "/api/v1/permits") -> list[tuple]:
    """Complete creates spread over the community's approved contractors and its towers, each with a NOC
    (a link), three employees, two vehicles and two extra flats; every id is new, so every request succeeds."""
    from contractors.models import ContractorMembership
    from permits.validators import make_emirates_id
    from portal.api.keys import api_key_create
    from portal.core.actors import Actor
    from portal.core.models import Community, Property

    community = Community.objects.get(slug="bench-3")
    _, raw_key = api_key_create(actor=Actor.system("bench"), community=community, name=f"bench {uuid.uuid4().hex[:6]}")
    contractors = list(
        ContractorMembership.objects.filter(community=community, status="approved")
        .order_by("contractor_id")
        .values_list("contractor__reference", flat=True)
    )
    properties = list(Property.objects.filter(community=community).prefetch_related("units").order_by("pk"))
    units = {prop.pk: sorted(unit.external_id for unit in prop.units.all()) for prop in properties}
    start = timezone.now() + datetime.timedelta(days=2)
    run = uuid.uuid4().hex[:5].upper()
    serial = int(run, 16) % 1_000_000 * 10  # Emirates IDs new to the run (seeded workers use another spelling)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {raw_key}"}
    result = []
    for number in range(count):
        prop = properties[(number * 7) % len(properties)]
        flats = units[prop.pk]
        body = {
            "salesforcePermitId": f"a1B{run}{number:010d}",
            "contractorSalesforceId": contractors[number % len(contractors)],
            "propertyExternalId": prop.external_id,
            "flatExternalId": flats[number % len(flats)],
            "additionalFlatExternalIds": [flats[(number + 1) % len(flats)], flats[(number + 2) % len(flats)]],
            "validFrom": _iso(start),
            "validTill": _iso(start + datetime.timedelta(days=30)),
            "timeIn": "08:00",
            "timeOut": "17:00",
            "representativeName": "Bench Rep",
            "representativeContact": "+971501234567",
            "jobsSummary": "Full interior fit-out.",
            "employees": [
                {
                    "name": f"Worker {number}-{position}",
                    "idNumber": make_emirates_id(1990, (serial + number * 3 + position) % 10_000_000),
                    "phone": f"+97150{number % 10_000_000:07d}",
                }
                for position in range(3)
            ],
            "vehicles": [{"plate": f"DXB {chr(65 + position)} {number % 100_000:05d}"} for position in range(2)],
            "noc": {
                "type": "url",
                "url": f"https://files.example.com/noc-{run}-{number}.pdf",
                "nocNumber": f"NOC-{run}-{number}",
                "issueDate": (start - datetime.timedelta(days=5)).date().isoformat(),
                "expiryDate": (start + datetime.timedelta(days=60)).date().isoformat(),
            },
        }
        result.append(("POST", path, json.dumps(body).encode(), headers))
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
            count = sizes.webhook_events
            _compare(
                report,
                server,
                sizes,
                Pair("3 webhook intake", "events", "HMAC + 1 insert", webhook_requests(count)),
                webhook_requests(count, "/bench/webhooks/buzzin/"),
            )
        if api:
            count = sizes.api_requests
            _compare(
                report,
                server,
                sizes,
                Pair("4 API POST /permits", "creates", "plain DRF create", api_requests(count)),
                api_requests(count, "/bench/api/v1/permits"),
            )
    finally:
        server.stop()
        purge_queue()
        assert settings.DATABASES  # settings stay loaded for the next workload


@dataclass
class Pair:
    workload: str
    unit: str
    reference_label: str
    requests: list


def _rounds(port: int, clients: int, portal: list, reference: list, rounds: int) -> tuple[list[Load], list[Load]]:
    """Both sides in ``rounds`` slices, alternating (which goes first alternates too)."""
    portal_loads, reference_loads = [], []
    for number in range(rounds):
        sides = [(portal, portal_loads), (reference, reference_loads)]
        for requests, loads in sides if number % 2 else reversed(sides):
            loads.append(drive(port, requests[number::rounds], clients, {200, 201}))
    return portal_loads, reference_loads


def _merged(loads: list[Load]) -> Load:
    first_error = next((load.first_error for load in loads if load.first_error), "")
    return Load(
        sum(load.requests for load in loads),
        sum(load.seconds for load in loads),
        [latency for load in loads for latency in load.latencies],
        sum(load.errors for load in loads),
        first_error,
    )


def _compare(report: Report, server: Gunicorn, sizes, pair: Pair, reference_requests: list) -> None:
    count = len(pair.requests)
    print(
        f"{pair.workload}: {count:,} {pair.unit} a side, {sizes.clients} clients, {sizes.rounds} rounds ...", flush=True
    )
    sample = pair.requests[0][2]
    bare = drive(server.port, bare_requests(count, body=sample), sizes.clients, {200})
    portal_rounds, reference_rounds = _rounds(
        server.port, sizes.clients, pair.requests, reference_requests, sizes.rounds
    )
    portal, reference = _merged(portal_rounds), _merged(reference_rounds)
    ratio = portal.rate / reference.rate
    failures = f"non-2xx answers: portal {portal.errors}, reference {reference.errors}"
    first = portal.first_error or reference.first_error
    report.add(
        Figure(
            pair.workload,
            f"{pair.unit}/s ({count:,} a side, {sizes.clients} clients) vs {pair.reference_label}",
            round(portal.rate, 1),
            "/s",
            reference=round(reference.rate, 1),
            reference_label=pair.reference_label,
            ratio=ratio,
            goal=">= 0.9x reference, no non-2xx",
            met=ratio >= 0.9 and portal.errors == 0 and reference.errors == 0,
            spread=spread([load.rate for load in portal_rounds], "/s"),
            note=f"reference rounds {spread([load.rate for load in reference_rounds], '/s')}; {failures}"
            + (f"; first: {first}" if first else ""),
        )
    )
    report.add(
        Figure(
            pair.workload,
            "p99 ms (p95 in note)",
            round(portal.p99_ms, 1),
            "ms",
            reference=round(reference.p99_ms, 1),
            reference_label=pair.reference_label,
            note=f"p95 {percentile(portal.latencies, 0.95) * 1000:.0f} ms, reference "
            f"{percentile(reference.latencies, 0.95) * 1000:.0f} ms; {len(portal.latencies)} requests a side",
        )
    )
    report.add(
        Figure(
            pair.workload,
            "ceiling: bare view (reads nothing, stores nothing) /s",
            round(bare.rate, 1),
            "/s",
            ratio=portal.rate / bare.rate,
            goal="information",
            note=f"p99 {bare.p99_ms:.0f} ms",
        )
    )
    if portal.errors or reference.errors:
        print(f"  {failures}, first: {first}", flush=True)
