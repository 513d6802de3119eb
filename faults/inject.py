"""The changes (in process, or through the API) and the faults injected while they are made."""

from __future__ import annotations

import datetime
import logging
import queue
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from .config import API_KEY
from .procs import BrokerFolder, RabbitMQ, Redis, Web, Worker

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
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, outcome: str, change: Change | None = None) -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            if outcome == "unknown" and change is not None:
                self.unknown.append(change)


# Changes


def extend_in_process(changes: list[Change], tally: Tally, *, duration: float) -> None:
    """``permit_extend`` for each change, spread evenly over ``duration`` seconds."""
    from django.db import connection

    from permits.services import permit_extend
    from portal.core.actors import Actor

    actor = Actor.system("fault tests")
    started = time.monotonic()
    step = duration / max(len(changes), 1)
    for position, change in enumerate(changes):
        delay = started + position * step - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            permit_extend(actor=actor, permit=change.permit_id, valid_till=change.valid_till)
        except Exception as error:  # counted; what committed is read from the database
            logger.warning("change %s failed: %s", change.index, error)
            tally.note("error")
            connection.close_if_unusable_or_obsolete()
        else:
            tally.note("ok")


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
                    tally.note("unknown", change)  # committed or not: the database will tell
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


# Faults


def outage(buzzin_url: str, seconds: float) -> dict:
    """(a) Buzz-In answers 503 to every API call for ``seconds``."""
    response = requests.post(f"{buzzin_url}/_sandbox/outage", json={"mode": "503", "seconds": seconds}, timeout=5)
    response.raise_for_status()
    time.sleep(seconds)
    return {"outage_seconds": seconds}


def kill_workers(worker: Worker, kills: int, stop: threading.Event, applied: threading.Event) -> dict:
    """(b) SIGKILL the worker mid-delivery: right after Buzz-In applied an update whose answer the worker
    has not recorded yet (``applied`` is set by the sandbox), then start a new worker."""
    from django.db import connection

    from portal.integrations.delivery.models import DeliveryState, OutboundDelivery

    done = after_apply = mid_send = 0
    try:
        for _ in range(kills):
            time.sleep(0.5)
            applied.clear()
            caught = applied.wait(timeout=20) and not stop.is_set()
            sending = OutboundDelivery.objects.filter(state=DeliveryState.SENDING).exists()
            worker.kill_and_restart(pause=0.5)
            done += 1
            after_apply += int(caught)
            mid_send += int(sending)
    finally:
        connection.close()
    return {"worker_kills": done, "worker_kills_after_apply": after_apply, "worker_kills_mid_send": mid_send}


def watch_applied(sandbox) -> threading.Event:
    """An event set whenever the sandbox applies a ``PATCH /permits/{id}``."""
    event = threading.Event()
    stats = sandbox.state.stats
    record = stats.record

    def recording(operation: str, idempotency_key: str | None, applied: bool) -> None:
        record(operation, idempotency_key, applied=applied)
        if applied and operation == "updatePermit":
            event.set()

    stats.record = recording
    return event


def restart_broker(server: Redis | RabbitMQ | None, folder: BrokerFolder | None, down_seconds: float) -> dict:
    """(c) Redis restarted (it comes back empty), RabbitMQ restarted (durable queues come back with their
    messages), or the filesystem broker's queue folder gone for a while."""
    if server is not None:
        server.restart(down_seconds)
        return {f"{type(server).__name__.lower()}_restarts": server.restarts}
    folder.down_for(down_seconds)
    return {"broker_folder_downs": folder.downs, "broker_messages_lost": folder.lost_messages}


def kill_web(web: Web, in_flight: InFlight, kills: int, stop: threading.Event) -> dict:
    """(d) SIGKILL the gunicorn worker right after a change committed while requests are in flight."""
    from django.db import connection

    from portal.integrations.delivery.models import OutboundDelivery

    def last_row() -> int:
        return OutboundDelivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    done = with_requests = 0
    try:
        for _ in range(kills):
            time.sleep(0.7)
            seen = last_row()
            while not stop.is_set():
                current = last_row()
                if current != seen and in_flight.count > 0:
                    break
                seen = current
                time.sleep(0.002)
            if stop.is_set():
                break
            flying = in_flight.count
            if web.kill_worker() is not None:
                done += 1
                with_requests += int(flying > 0)
    finally:
        connection.close()
    return {"web_kills": done, "web_kills_with_requests_in_flight": with_requests}


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
