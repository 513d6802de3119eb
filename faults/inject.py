"""The changes (in process, or through the API) and the faults injected while they are made."""

from __future__ import annotations

import datetime
import logging
import queue
import random
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from .config import API_KEY
from .procs import BrokerFolder, RabbitMQ, Redis, Web, Worker, kill_group

logger = logging.getLogger("faults")


@dataclass(frozen=True)
class Change:
    index: int
    permit_id: int
    valid_till: datetime.datetime


def change_plan(permit_ids: list[int], count: int, base_till: datetime.datetime, seed: int) -> list[Change]:
    """``count`` changes over the permits, each with its own ``valid_till`` (base + index minutes)."""
    rng = random.Random(seed)
    return [
        Change(index, rng.choice(permit_ids), base_till + datetime.timedelta(minutes=index)) for index in range(count)
    ]


def iso(moment: datetime.datetime) -> str:
    moment = moment.astimezone(datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Tally:
    """What the clients saw; what committed is counted from the database afterwards."""

    outcomes: Counter = field(default_factory=Counter)
    unknown: list[Change] = field(default_factory=list)  # the answer never came
    unknown_by_kill: dict[int, list[Change]] = field(default_factory=dict)  # which web kill took it
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, outcome: str, change: Change | None = None, kill: int = 0) -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            if outcome == "unknown" and change is not None:
                self.unknown.append(change)
                self.unknown_by_kill.setdefault(kill, []).append(change)

    def unknown_of(self, kill: int) -> list[Change]:
        with self.lock:
            return list(self.unknown_by_kill.get(kill, []))


# Changes


def extend_over_http(changes: list[Change], tally: Tally, web: Web, references: dict[int, str], threads: int):
    """``PATCH /api/v1/permits/{id}`` from ``threads`` clients; returns the in-flight counter for the killer."""
    work: queue.Queue[Change] = queue.Queue()
    for change in changes:
        work.put(change)
    in_flight = InFlight()

    def client() -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {API_KEY}"
        while True:
            try:
                change = work.get_nowait()
            except queue.Empty:
                return
            url = f"{web.url}/api/v1/permits/{references[change.permit_id]}"
            with in_flight:
                try:
                    response = session.patch(url, json={"validTill": iso(change.valid_till)}, timeout=20)
                except requests.RequestException:
                    tally.note("unknown", change, web.kills)  # committed or not: the database will tell
                    session.close()
                    session = requests.Session()
                    session.headers["Authorization"] = f"Bearer {API_KEY}"
                    continue
            tally.note("ok" if response.status_code == 200 else f"http {response.status_code}")

    workers = [threading.Thread(target=client, name=f"client-{n}", daemon=True) for n in range(threads)]
    return workers, in_flight


class InFlight:
    def __init__(self):
        self.count = 0
        self._lock = threading.Lock()

    def __enter__(self):
        with self._lock:
            self.count += 1

    def __exit__(self, *exc_info):
        with self._lock:
            self.count -= 1


# Faults: each one returns what it did, and the proof that it landed is taken from the database and from the
# partners' own records, never from the injector's belief.


class Outage:
    """(a) Both partners answer 503 to every API call for ``seconds``; ``start`` is called by the changes (just
    before a burst commits, so its rows meet the outage), ``result`` by the fault thread: the calls the
    partners refused, by their own count."""

    def __init__(self, buzzin, opscom, seconds: float):
        self.urls = (buzzin.url, opscom.url)
        self.seconds = seconds
        self.started = threading.Event()
        self.before = 0

    def refused(self) -> int:
        return sum(
            requests.get(f"{url}/_sandbox/stats", timeout=5).json().get("outageRejections", 0) for url in self.urls
        )

    def start(self) -> None:
        self.before = self.refused()
        for url in self.urls:
            response = requests.post(f"{url}/_sandbox/outage", json={"mode": "503", "seconds": self.seconds}, timeout=5)
            response.raise_for_status()
        self.started.set()

    def result(self) -> dict:
        if not self.started.wait(timeout=120):
            return {"outage_refusals": 0}
        time.sleep(self.seconds + 0.5)
        return {"outage_seconds": self.seconds, "outage_refusals": self.refused() - self.before}


@dataclass
class Kill:
    moment: str  # "received": before Buzz-In applied the call; "applied": after, before the answer left
    operation: str
    key: str
    row_state: str  # the row's state with the worker dead: "sending" = claimed, its answer never recorded
    applied_at_partner: int  # how often Buzz-In applied this row's key so far (its own count)

    @property
    def proven_mid_send(self) -> bool:
        return self.moment == "received" and self.row_state == "sending"

    @property
    def proven_after_apply(self) -> bool:
        return self.moment == "applied" and self.row_state == "sending" and self.applied_at_partner >= 1


def kill_worker_at(worker: Worker, sandbox, moment: str, operations: tuple[str, ...] = (), timeout: float = 20.0):
    """SIGKILL the worker from inside Buzz-In while it handles one of the worker's calls: at ``received`` (the
    call is then refused, so Buzz-In never applies it) or at ``applied`` (Buzz-In applied it; the answer never
    reaches the worker). Then a new worker. Returns the ``Kill`` with its proof, or None when no call came."""
    from django.db import connection

    from portal.integrations.delivery.models import OutboundDelivery
    from sandboxes.buzzin.errors import ApiError

    fired = threading.Event()
    guard = threading.Lock()
    seen: dict[str, str] = {}

    def interceptor(at: str, operation: str, key: str | None) -> None:
        if at != moment or not key or (operations and operation not in operations):
            return
        with guard:
            if fired.is_set():
                return
            kill_group(worker.process, signal.SIGKILL)
            seen.update(operation=operation, key=key)
            fired.set()
        if at == "received":
            raise ApiError(503, "fault script: the caller was killed")

    with worker.lock:  # the supervisor must not restart it meanwhile (nor count a crash)
        sandbox.state.interceptor = interceptor
        try:
            landed = fired.wait(timeout)
        finally:
            sandbox.state.interceptor = None
        if not landed:
            return None
        worker.process.wait(timeout=10)
        try:
            row_id = int(seen["key"].removeprefix("delivery-").split(":")[0])
            state = OutboundDelivery.objects.filter(pk=row_id).values_list("state", flat=True).first() or "gone"
        finally:
            connection.close()
        usage = sandbox.state.stats.snapshot()["keys"].get(seen["key"], {})
        kill = Kill(moment, seen["operation"], seen["key"], state, usage.get("applied", 0))
        time.sleep(0.3)
        worker.restart_after_kill()
    return kill


def kill_workers(worker: Worker, sandbox, *, mid_send: int, after_apply: int, stop: threading.Event) -> dict:
    """(b) Alternate kills before and after Buzz-In applied a call; the first after-apply kills aim at the calls
    Buzz-In does not de-duplicate (replaceNoc, reissuePass), the others at any call."""
    aims = [("updatePermit.replaceNoc",), ("passAction.reissuePass",)]
    kills: list[Kill] = []
    plan = ["received", "applied"] * max(mid_send, after_apply)
    wanted = {"received": mid_send, "applied": after_apply}
    for moment in plan:
        if stop.is_set():
            break
        if sum(k.moment == moment for k in kills) >= wanted[moment]:
            continue
        aim = aims.pop(0) if moment == "applied" and aims else ()
        kill = kill_worker_at(worker, sandbox, moment, aim)
        if kill is None and aim:
            kill = kill_worker_at(worker, sandbox, moment)
        if kill is not None:
            kills.append(kill)
    return {
        "worker_kills": len(kills),
        "worker_kills_mid_send": sum(k.proven_mid_send for k in kills),
        "worker_kills_after_apply": sum(k.proven_after_apply for k in kills),
        "worker_kill_details": [f"{k.moment} {k.operation} {k.key}: row {k.row_state}" for k in kills],
    }


def restart_broker(server: Redis | RabbitMQ | None, folder: BrokerFolder | None, down_seconds: float, times: int):
    """(c) The broker down and back, ``times`` times: RabbitMQ restarted (durable queues come back with their
    messages), Redis restarted (it comes back empty), or the filesystem broker's queue folder gone for a while.
    A restart counts once the old broker stopped answering and the new one answered again."""
    done = 0
    for number in range(times):
        if number:
            time.sleep(down_seconds)
        if server is not None:
            server.restart(down_seconds)
            done = server.restarts
        else:
            folder.down_for(down_seconds)
            done = folder.downs
    kind = type(server).__name__.lower() if server is not None else "broker folder"
    return {"broker_restarts": done, "broker": kind}


def kill_web(web: Web, in_flight: InFlight, tally: Tally, kills: int, stop: threading.Event) -> dict:
    """(d) SIGKILL the gunicorn worker right after a change committed while requests are in flight; a kill counts
    when a client lost its answer to it and the database shows that client's change committed."""
    from django.db import connection

    from portal.integrations.delivery.models import OutboundDelivery

    def last_row() -> int:
        return OutboundDelivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    done = proven = 0
    try:
        for _ in range(kills * 4):  # until the floor is proven, within bounds
            if proven >= kills:
                break
            time.sleep(0.5)
            seen = last_row()
            while not stop.is_set():
                current = last_row()
                if current != seen and in_flight.count > 0:
                    break
                seen = current
                time.sleep(0.002)
            if stop.is_set():
                break
            if web.kill_worker() is None:
                continue
            done += 1
            time.sleep(1.0)  # the clients of that worker notice
            proven += int(any(committed(change) for change in tally.unknown_of(web.kills)))
    finally:
        connection.close()
    return {"web_kills": done, "web_kills_after_commit": proven}


def committed(change: Change) -> bool:
    """Whether the extension to ``change.valid_till`` committed (its audit event is there)."""
    from portal.core.models import AuditEvent

    from .seed import ACTION_EXTENDED

    events = AuditEvent.objects.filter(action=ACTION_EXTENDED, target_type="permit", target_id=str(change.permit_id))
    wanted = change.valid_till
    for data in events.values_list("data", flat=True):
        value = (data or {}).get("valid_till")
        if value and datetime.datetime.fromisoformat(value[1].replace("Z", "+00:00")) == wanted:
            return True
    return False


# The relay, as beat would run it (every second here instead of every 30 s)


class RelayLoop:
    def __init__(self, interval: float = 1.0):
        self.interval = interval
        self.stop = threading.Event()
        self.runs = 0
        self.reclaimed = 0
        self.dispatched = 0
        self.errors = 0
        self.thread = threading.Thread(target=self._loop, name="relay", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _loop(self) -> None:
        from django.db import connection

        from portal.integrations.delivery.services import delivery_relay

        try:
            while not self.stop.wait(self.interval):
                try:
                    report = delivery_relay()
                except Exception as error:  # a database or broker hiccup: next run
                    self.errors += 1
                    logger.warning("relay run failed: %s", error)
                    connection.close()
                    continue
                self.runs += 1
                self.reclaimed += report.reclaimed
                self.dispatched += report.dispatched
        finally:
            connection.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
