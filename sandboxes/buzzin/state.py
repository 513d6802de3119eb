"""In-memory store of the sandbox: configuration, communities, contractors, permits, timers and stats.

One re-entrant lock (``SandboxState.lock``) guards every mutation; the operations in
``contractors``, ``permits`` and ``passes`` take it for their whole read-check-write.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import not_found
from .model import Community, Contractor, Flat, Permit, Property, new_object_id
from .webhooks import DEFAULT_RETRY_DELAYS, WebhookSender, build_envelope

DEFAULT_HANG_SECONDS = 30.0


@dataclass
class SandboxConfig:
    accept_delay: float = 1.0
    webhook_url: str | None = None
    webhook_secret: str | None = None
    auto_approve_contractors_after: float | None = None
    webhook_retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS
    latency: float = 0.0  # seconds every API call waits before it is handled (a partner's network and work)

    def as_dict(self) -> dict[str, Any]:
        return {
            "acceptDelay": self.accept_delay,
            "webhookUrl": self.webhook_url,
            "webhookSecretSet": bool(self.webhook_secret),
            "autoApproveContractorsAfter": self.auto_approve_contractors_after,
            "webhookRetryDelays": list(self.webhook_retry_delays),
            "latency": self.latency,
        }


@dataclass
class Outage:
    mode: str | None = None  # "503" | "hang"
    until: float = 0.0  # time.monotonic()
    hang_seconds: float = DEFAULT_HANG_SECONDS

    def current_mode(self) -> str | None:
        return self.mode if self.mode and time.monotonic() < self.until else None

    def as_dict(self) -> dict[str, Any]:
        remaining = max(self.until - time.monotonic(), 0.0) if self.current_mode() else 0.0
        return {"mode": self.current_mode(), "remainingSeconds": round(remaining, 3), "hangSeconds": self.hang_seconds}


class Scheduler:
    """Delayed callbacks (acceptance, auto-approval) on daemon timers that ``cancel_all`` can stop."""

    def __init__(self):
        self._timers: set[threading.Timer] = set()
        self._lock = threading.Lock()

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        def fire() -> None:
            with self._lock:
                self._timers.discard(timer)
            callback()

        timer = threading.Timer(max(delay, 0.0), fire)
        timer.daemon = True
        with self._lock:
            self._timers.add(timer)
        timer.start()

    def cancel_all(self) -> None:
        with self._lock:
            timers, self._timers = self._timers, set()
        for timer in timers:
            timer.cancel()


@dataclass
class KeyUsage:
    operation: str
    requests: int = 0
    applied: int = 0


@dataclass
class IdempotencyStats:
    """Counts mutating calls, and which ``Idempotency-Key`` values changed state more than once."""

    operations: dict[str, dict[str, int]] = field(default_factory=dict)
    keys: dict[str, KeyUsage] = field(default_factory=dict)
    outage_rejections: int = 0  # API calls refused by a simulated outage
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record_outage_rejection(self) -> None:
        with self.lock:
            self.outage_rejections += 1

    def record(self, operation: str, idempotency_key: str | None, applied: bool) -> None:
        with self.lock:
            counts = self.operations.setdefault(operation, {"requests": 0, "applied": 0, "withIdempotencyKey": 0})
            counts["requests"] += 1
            counts["applied"] += int(applied)
            if not idempotency_key:
                return
            counts["withIdempotencyKey"] += 1
            usage = self.keys.setdefault(idempotency_key, KeyUsage(operation=operation))
            usage.requests += 1
            usage.applied += int(applied)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "operations": {name: dict(counts) for name, counts in self.operations.items()},
                "idempotencyKeys": len(self.keys),
                "outageRejections": self.outage_rejections,
                "repeatedKeys": sorted(key for key, usage in self.keys.items() if usage.requests > 1),
                "duplicateAppliedKeys": sorted(key for key, usage in self.keys.items() if usage.applied > 1),
                "keys": {key: vars(usage).copy() for key, usage in self.keys.items()},
            }

    def clear(self) -> None:
        with self.lock:
            self.operations.clear()
            self.keys.clear()
            self.outage_rejections = 0


class SandboxState:
    def __init__(self, config: SandboxConfig | None = None, communities: list[dict[str, Any]] | None = None):
        self.lock = threading.RLock()
        self.config = config or SandboxConfig()
        self.communities: dict[str, Community] = {}
        self.contractors: dict[str, Contractor] = {}
        self.permits: dict[str, Permit] = {}
        self.outage = Outage()
        self.stats = IdempotencyStats()
        # Tests and the fault script may watch mutating calls: ``interceptor(moment, operation, idempotency_key)``
        # is called with "received" before a call is handled (raising ApiError refuses it) and with "applied"
        # after it changed state, before the answer leaves.
        self.interceptor: Callable[[str, str, str | None], None] | None = None
        self.scheduler = Scheduler()
        self.webhooks = WebhookSender(retry_delays=self.config.webhook_retry_delays)
        self.generation = 0  # bumped by reset(): timers scheduled before it do nothing
        self._pass_sequence = 0
        for community in communities or ():
            self.add_community(community)

    # Lifecycle

    def start(self) -> None:
        self.webhooks.start()

    def stop(self) -> None:
        self.scheduler.cancel_all()
        self.webhooks.stop()

    def reset(self) -> None:
        """Forget contractors, permits, webhooks, stats and any outage; keep communities and config."""
        with self.lock:
            self.generation += 1
            self.scheduler.cancel_all()
            self.contractors.clear()
            self.permits.clear()
            self.outage = Outage()
            self.stats.clear()
            self.webhooks.clear()
            self._pass_sequence = 0

    # Communities

    def add_community(self, payload: dict[str, Any]) -> Community:
        community = community_from_payload(payload)
        with self.lock:
            self.communities[community.id] = community
        return community

    def community_for_key(self, api_key: str | None) -> Community | None:
        if not api_key:
            return None
        with self.lock:
            return next((c for c in self.communities.values() if c.api_key == api_key), None)

    # Lookups (call with the lock held)

    def contractor(self, contractor_id: str) -> Contractor:
        """A contractor of any community: Buzz-In's contractors are global."""
        contractor = self.contractors.get(contractor_id)
        if contractor is None:
            raise not_found(f"Contractor {contractor_id} not found")
        return contractor

    def contractor_in(self, community: Community, contractor_id: str) -> Contractor:
        """A contractor that belongs, or once belonged, to ``community``."""
        contractor = self.contractors.get(contractor_id)
        if contractor is None or contractor.standing_in(community.id) is None:
            raise not_found(f"Contractor {contractor_id} not found in this community")
        return contractor

    def permit_in(self, community: Community, permit_id: str, *, by_reference: bool = False) -> Permit:
        permit = self.permits.get(permit_id)
        if permit is None and by_reference:
            permit = next((p for p in self.permits.values() if p.salesforce_permit_id == permit_id), None)
        if permit is None or permit.community_id != community.id:
            raise not_found(f"Permit {permit_id} not found")
        return permit

    def community_contractors(self, community_id: str) -> list[Contractor]:
        """Every contractor that belongs, or once belonged, to the community."""
        return [c for c in self.contractors.values() if c.standing_in(community_id) is not None]

    def next_pass_number(self) -> str:
        self._pass_sequence += 1
        return f"WP-{self._pass_sequence:06d}"

    # Side effects

    def emit(self, event: str, community_id: str, data: dict[str, Any]) -> dict[str, Any]:
        envelope = build_envelope(event, community_id, data)
        self.webhooks.enqueue(envelope, self.config.webhook_url, self.config.webhook_secret)
        return envelope

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        """Run ``callback`` under the lock after ``delay``, unless a reset happened in between."""
        generation = self.generation

        def guarded() -> None:
            with self.lock:
                if generation == self.generation:
                    callback()

        self.scheduler.call_later(delay, guarded)


def community_from_payload(payload: dict[str, Any]) -> Community:
    """``{communityId?, apiKey, name?, properties: [{externalId, _id?, flats: [{externalId, _id?}]}]}``."""
    if not isinstance(payload, dict) or not isinstance(payload.get("apiKey"), str) or not payload["apiKey"]:
        raise ValueError("a community needs an apiKey")
    return Community(
        id=payload.get("communityId") or new_object_id(),
        api_key=payload["apiKey"],
        name=payload.get("name", ""),
        properties=[_property_from_payload(prop) for prop in payload.get("properties", [])],
    )


def _property_from_payload(payload: dict[str, Any]) -> Property:
    flats = [_flat_from_payload(flat) for flat in payload.get("flats", [])]
    return Property(external_id=str(payload["externalId"]), id=payload.get("_id") or new_object_id(), flats=flats)


def _flat_from_payload(payload: dict[str, Any]) -> Flat:
    return Flat(external_id=str(payload["externalId"]), id=payload.get("_id") or new_object_id())
