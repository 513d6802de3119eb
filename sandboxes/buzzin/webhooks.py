"""Signed webhook deliveries from a background worker, so an API answer never waits on the receiver."""

from __future__ import annotations

import json
import logging
import queue
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests

from portal.integrations.buzzin.signing import signed_headers

from .rules import format_datetime, utc_now

logger = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (0.1, 0.3, 0.9)  # seconds before each retry of a failed POST
DEFAULT_POST_TIMEOUT = 3.0


@dataclass
class Delivery:
    envelope: dict[str, Any]
    url: str | None
    secret: str | None
    delivery_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    state: str = "pending"  # pending | delivered | failed | skipped
    status: int | None = None
    attempts: int = 0
    error: str = ""
    queued_at: str = field(default_factory=lambda: format_datetime(utc_now()))

    @property
    def raw_body(self) -> bytes:
        return json.dumps(self.envelope, separators=(",", ":")).encode()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.envelope["id"],
            "event": self.envelope["event"],
            "deliveryId": self.delivery_id,
            "url": self.url,
            "state": self.state,
            "status": self.status,
            "attempts": self.attempts,
            "error": self.error,
            "queuedAt": self.queued_at,
            "envelope": self.envelope,
        }


def build_envelope(event: str, community_id: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "event": event,
        "communityId": community_id,
        "createdAt": format_datetime(utc_now()),
        "data": data,
    }


class WebhookSender:
    """One worker thread draining a FIFO queue; each delivery is retried a few times, then given up."""

    def __init__(self, retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS, timeout: float = DEFAULT_POST_TIMEOUT):
        self.retry_delays = retry_delays
        self.timeout = timeout
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="buzzin-sandbox-webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stopping.set()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def enqueue(self, envelope: dict[str, Any], url: str | None, secret: str | None) -> Delivery:
        delivery = Delivery(envelope=envelope, url=url, secret=secret)
        with self._lock:
            self._deliveries.append(delivery)
        self._queue.put(delivery)
        return delivery

    def redeliver(self, event_id: str, url: str | None, secret: str | None) -> Delivery | None:
        """Send an earlier event again, same envelope (same id): a duplicate, as receivers must expect."""
        with self._lock:
            original = next((item for item in self._deliveries if item.envelope["id"] == event_id), None)
        return self.enqueue(original.envelope, url, secret) if original else None

    def deliveries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [delivery.as_dict() for delivery in self._deliveries]

    def clear(self) -> None:
        with self._lock:
            self._deliveries = []
        _drain(self._queue)

    def _run(self) -> None:
        session = requests.Session()
        while not self._stopping.is_set():
            delivery = self._queue.get()
            if delivery is None:
                break
            self._deliver(session, delivery)
        session.close()

    def _deliver(self, session: requests.Session, delivery: Delivery) -> None:
        if not delivery.url:
            delivery.state, delivery.error = "skipped", "no webhook URL configured"
            return
        for delay in (0.0, *self.retry_delays):
            if delay and self._stopping.wait(delay):
                return
            if self._attempt(session, delivery):
                delivery.state = "delivered"
                return
        delivery.state = "failed"
        logger.warning("Webhook %s gave up after %s attempts", delivery.envelope["event"], delivery.attempts)

    def _attempt(self, session: requests.Session, delivery: Delivery) -> bool:
        delivery.attempts += 1
        body = delivery.raw_body
        headers = signed_headers(delivery.secret, body, delivery.envelope["event"], delivery.delivery_id)
        try:
            response = session.post(delivery.url, data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            delivery.status, delivery.error = None, f"{type(exc).__name__}: {exc}"
            return False
        delivery.status = response.status_code
        delivery.error = "" if response.ok else f"HTTP {response.status_code}"
        return 200 <= response.status_code < 300


def _drain(pending: queue.Queue) -> None:
    while True:
        try:
            pending.get_nowait()
        except queue.Empty:
            return
