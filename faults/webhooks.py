"""Buzz-In webhooks as Buzz-In sends them: signed gate-scan events, each posted until it gets a 2xx
(Buzz-In retries a delivery that failed), from several clients at once."""

from __future__ import annotations

import datetime
import json
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from portal.integrations.buzzin.signing import signed_headers

from .config import WEBHOOK_SECRET
from .inject import iso

SCAN_EVENT = "passes.permits.scanned"
MAX_TRIES = 40


@dataclass
class Intake:
    """What the senders saw: first answers, retries and the latency of every answered POST."""

    outcomes: Counter = field(default_factory=Counter)
    retried_events: int = 0
    gave_up: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def scan_events(run_id: str, count: int, references: list[str], community_id: str) -> list[tuple[str, bytes]]:
    """``count`` scans spread over the permits; each has its own envelope id."""
    now = datetime.datetime.now(datetime.UTC)
    events = []
    for index in range(count):
        event_id = f"evt_{run_id}_{index:06d}"
        envelope = {
            "id": event_id,
            "event": SCAN_EVENT,
            "communityId": community_id,
            "createdAt": iso(now),
            "data": {
                "salesforceId": references[index % len(references)],
                "scannedAt": iso(now - datetime.timedelta(seconds=index)),
                "direction": "in" if index % 2 == 0 else "out",
                "gate": f"Gate {index % 4 + 1}",
                "employeeName": "Ravi Kumar",
            },
        }
        events.append((event_id, json.dumps(envelope, separators=(",", ":")).encode()))
    return events


def post_webhooks(url: str, events: list[tuple[str, bytes]], intake: Intake, threads: int) -> list[threading.Thread]:
    """Client threads (not started) posting every event until a 2xx; a 4xx other than 429 is final."""
    work: queue.Queue = queue.Queue()
    for event in events:
        work.put(event)

    def client() -> None:
        session = requests.Session()
        while True:
            try:
                event_id, body = work.get_nowait()
            except queue.Empty:
                return
            for attempt in range(1, MAX_TRIES + 1):
                headers = signed_headers(WEBHOOK_SECRET, body, SCAN_EVENT, f"dlv_{event_id}_{attempt}")
                started = time.perf_counter()
                try:
                    response = session.post(url, data=body, headers=headers, timeout=20)
                    outcome = str(response.status_code)
                except requests.RequestException:
                    outcome = "connection error"
                    session.close()
                    session = requests.Session()
                with intake.lock:
                    intake.outcomes[outcome] += 1
                    if outcome.startswith("2"):
                        intake.latencies.append(time.perf_counter() - started)
                        intake.sent += 1
                        intake.retried_events += int(attempt > 1)
                if outcome.startswith("2"):
                    break
                if outcome.startswith("4") and outcome != "429":
                    intake.gave_up.append(f"{event_id}: {outcome}")
                    break
                time.sleep(min(0.1 * attempt, 1.0))
            else:
                intake.gave_up.append(f"{event_id}: no 2xx after {MAX_TRIES} tries")

    return [threading.Thread(target=client, name=f"webhooks-{n}", daemon=True) for n in range(threads)]
