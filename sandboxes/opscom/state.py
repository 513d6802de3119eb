"""The OPS-COM sandbox's in-memory state: config, permits, counters, outage; one lock around all of it.

The request rules live in ``rules``; this module applies them and keeps what they produce.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sandboxes.opscom.rules import (
    TOKEN_PATTERN,
    OpscomError,
    check_all_strings,
    check_client_code,
    check_token,
    checked_reference,
    normalized_plate,
    parse_body,
    success,
    validated_push,
    validated_update,
)

DEFAULT_CLIENT_CODE = "OC-DEMO"
DEFAULT_API_TOKEN = "sandbox-token"
DEFAULT_ZONES = frozenset({"ZONE-A", "ZONE-B", "VISITOR"})
ACTIONS = ("push", "update", "delete")
OUTAGE_MODES = ("503", "429", "hang")

CONFIG_KEYS = {
    "clientCode": "client_code",
    "apiToken": "api_token",
    "zones": "zones",
    "echoRequest": "echo_request",
    "errorsAs200": "errors_as_200",
}


@dataclass(frozen=True)
class SandboxConfig:
    client_code: str = DEFAULT_CLIENT_CODE
    api_token: str = field(default=DEFAULT_API_TOKEN, repr=False)
    zones: frozenset[str] = DEFAULT_ZONES
    echo_request: bool = False  # add "echo": <received body> to every API answer (tests redaction)
    errors_as_200: bool = False  # answer errors with HTTP 200, as some PHP APIs do

    def __post_init__(self) -> None:
        object.__setattr__(self, "zones", frozenset(self.zones))
        if not isinstance(self.client_code, str) or not self.client_code:
            raise ValueError("clientCode must be a non-empty string")
        if not isinstance(self.api_token, str) or not TOKEN_PATTERN.match(self.api_token):
            raise ValueError("apiToken must be 1-50 letters, digits or dashes")
        if not self.zones or not all(isinstance(zone, str) and zone for zone in self.zones):
            raise ValueError("zones must be a non-empty list of names")
        if not isinstance(self.echo_request, bool) or not isinstance(self.errors_as_200, bool):
            raise ValueError("echoRequest and errorsAs200 must be booleans")

    def with_changes(self, changes: dict[str, Any]) -> SandboxConfig:
        unknown = set(changes) - set(CONFIG_KEYS)
        if unknown:
            raise ValueError(f"unknown config keys: {sorted(unknown)}")
        if "zones" in changes and not isinstance(changes["zones"], list):
            raise ValueError("zones must be a list of names")
        return replace(self, **{CONFIG_KEYS[key]: value for key, value in changes.items()})

    def public(self) -> dict[str, Any]:
        """The config as the control API shows it: never the token."""
        return {
            "clientCode": self.client_code,
            "zones": sorted(self.zones),
            "echoRequest": self.echo_request,
            "errorsAs200": self.errors_as_200,
        }


@dataclass(frozen=True)
class Outage:
    mode: str
    ends_at: float | None  # time.monotonic(); None lasts until cleared

    def active(self) -> bool:
        return self.ends_at is None or time.monotonic() < self.ends_at

    def remaining_seconds(self) -> float | None:
        return None if self.ends_at is None else max(0.0, self.ends_at - time.monotonic())

    def public(self) -> dict[str, Any]:
        return {"mode": self.mode, "remainingSeconds": self.remaining_seconds()}


@dataclass
class SandboxPermit:
    reference_id: str
    plate: str
    end_time: str
    zone: str
    start_time: str | None = None
    permit_no: str | None = None
    amount: str | None = None
    currency: str | None = None
    updates: int = 0
    deleted_by: str | None = None  # "api" or "forget"

    def duplicate_key(self) -> tuple[str, str | None, str, str]:
        # DECISION: plates compare without case or spaces, as a parking officer would read them.
        return (normalized_plate(self.plate), self.start_time, self.end_time, self.zone)

    def public(self) -> dict[str, Any]:
        """Wire-style names, as ``GET /_sandbox/state`` shows them."""
        return {_camel_case(name): value for name, value in asdict(self).items()}


def _camel_case(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


class SandboxState:
    """Everything the sandbox remembers. ``config`` may be read without the lock (one reference swap)."""

    def __init__(self, initial_config: SandboxConfig | None = None):
        self.initial_config = initial_config or SandboxConfig()
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self.config = self.initial_config
        self.live: dict[str, SandboxPermit] = {}
        self.deleted: dict[str, SandboxPermit] = {}
        self.outage: Outage | None = None
        self.calls: Counter[str] = Counter({action: 0 for action in ACTIONS})
        self.applied: Counter[str] = Counter({action: 0 for action in ACTIONS})
        self.errors: Counter[str] = Counter()
        self.outage_rejections = 0
        self.applied_by_idempotency_key: Counter[str] = Counter()
        self._changed = True

    def handle_api(self, action: str, client_code: str, raw_body: bytes, idempotency_key: str | None) -> dict:
        """One push/update/delete call: the success body, or ``OpscomError``."""
        with self._lock:
            self.calls[action] += 1
            try:
                answer = self._dispatch(action, client_code, raw_body)
            except OpscomError as error:
                self.errors[str(error.code)] += 1
                raise
            self.applied[action] += 1
            # An update that changes nothing (a repeat whose first answer was lost) is not applied again.
            if idempotency_key and self._changed:
                self.applied_by_idempotency_key[idempotency_key] += 1
            return answer

    def _dispatch(self, action: str, client_code: str, raw_body: bytes) -> dict:
        self._changed = True
        check_client_code(self.config.client_code, client_code)
        body = parse_body(raw_body)
        check_token(self.config.api_token, body)
        check_all_strings(body)
        handlers = {"push": self._push, "update": self._update, "delete": self._delete}
        return handlers[action](body)

    def _push(self, body: dict[str, Any]) -> dict:
        permit = SandboxPermit(**validated_push(body, self.config.zones))
        if any(live.duplicate_key() == permit.duplicate_key() for live in self.live.values()):
            raise OpscomError(9022, "A record already exists with these details")
        self.live[permit.reference_id] = permit
        return success(permit.reference_id)

    def _update(self, body: dict[str, Any]) -> dict:
        permit = self._live_permit(checked_reference(body))
        changes = {
            name: value
            for name, value in validated_update(body, permit.start_time).items()
            if getattr(permit, name) != value
        }
        for name, value in changes.items():
            setattr(permit, name, value)
        permit.updates += 1
        self._changed = bool(changes)
        return success(permit.reference_id)

    def _delete(self, body: dict[str, Any]) -> dict:
        permit = self._live_permit(checked_reference(body))
        self._retire(permit, deleted_by="api")
        return success(permit.reference_id)

    def _live_permit(self, reference_id: str) -> SandboxPermit:
        permit = self.live.get(reference_id)
        if permit is None:
            raise OpscomError(9009, f"Record not found: {reference_id}")
        return permit

    def _retire(self, permit: SandboxPermit, *, deleted_by: str) -> None:
        del self.live[permit.reference_id]
        permit.deleted_by = deleted_by
        self.deleted[permit.reference_id] = permit

    # --- control API ---

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "config": self.config.public(),
                "permits": {ref: permit.public() for ref, permit in self.live.items()},
                "deleted": {ref: permit.public() for ref, permit in self.deleted.items()},
                "outage": _public_outage(self._current_outage_locked()),
            }

    def stats(self) -> dict[str, Any]:
        with self._lock:
            duplicates = {key: count for key, count in self.applied_by_idempotency_key.items() if count > 1}
            return {
                "calls": dict(self.calls),
                "applied": dict(self.applied),
                "errors": dict(self.errors),
                "outageRejections": self.outage_rejections,
                "duplicateIdempotencyKeys": duplicates,
            }

    def reset(self) -> None:
        """Forget every permit, count and outage, and go back to the config the sandbox started with."""
        with self._lock:
            self._clear()

    def configure(self, changes: dict[str, Any]) -> SandboxConfig:
        with self._lock:
            self.config = self.config.with_changes(changes)
            return self.config

    def forget(self, reference_id: str) -> bool:
        """Drop a live permit without any API call: drift for reconciliation tests."""
        with self._lock:
            permit = self.live.get(reference_id)
            if permit is None:
                return False
            self._retire(permit, deleted_by="forget")
            return True

    def start_outage(self, mode: str, seconds: float | None) -> Outage | None:
        if mode in ("off", "none", ""):
            with self._lock:
                self.outage = None
            return None
        if mode not in OUTAGE_MODES:
            raise ValueError(f"mode must be one of {', '.join(OUTAGE_MODES)} or off")
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0):
            raise ValueError("seconds must be a non-negative number")
        with self._lock:
            self.outage = Outage(mode, None if seconds is None else time.monotonic() + seconds)
            return self.outage

    def current_outage(self) -> Outage | None:
        with self._lock:
            return self._current_outage_locked()

    def _current_outage_locked(self) -> Outage | None:
        if self.outage is not None and not self.outage.active():
            self.outage = None
        return self.outage

    def record_outage_rejection(self, action: str | None) -> None:
        with self._lock:
            if action:
                self.calls[action] += 1
            self.outage_rejections += 1


def _public_outage(outage: Outage | None) -> dict[str, Any] | None:
    return outage.public() if outage else None
