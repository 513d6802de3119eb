"""The OPS-COM sandbox's rules and in-memory state: no I/O, one lock around everything.

Rules follow shared/contracts/opscom.md. Where the contract is silent the sandbox is strict, so the
portal's bugs show here rather than in production (each choice is marked DECISION).
"""

from __future__ import annotations

import hmac
import json
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

DEFAULT_CLIENT_CODE = "OC-DEMO"
DEFAULT_API_TOKEN = "sandbox-token"
DEFAULT_ZONES = frozenset({"ZONE-A", "ZONE-B", "VISITOR"})
ACTIONS = ("push", "update", "delete")
OUTAGE_MODES = ("503", "429", "hang")

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,50}$")
DATETIME_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
AMOUNT_PATTERN = re.compile(r"^\d{1,6}\.\d{2}$")  # at most 999999.99
MIN_AMOUNT = Decimal("0.01")
WIRE_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
PLATE_HARD_LIMIT = 50
PLATE_LIMIT = 25
CURRENCY_LIMIT = 10
PERMIT_NO_LIMIT = 50  # DECISION: the contract gives no limit; 50 like every other identifier.

PLATE_NAMES = ("plate", "LicencePlate")
START_NAMES = ("startTime",)
END_NAMES = ("endTime", "EndDateUtc")
AMOUNT_NAMES = ("Amount", "amount")
CURRENCY_NAMES = ("currency", "CurrencyID")
REFERENCE_NAMES = ("referenceID", "referenceid", "reference_id")
CONFIG_KEYS = {
    "clientCode": "client_code",
    "apiToken": "api_token",
    "zones": "zones",
    "echoRequest": "echo_request",
    "errorsAs200": "errors_as_200",
}


class OpscomError(Exception):
    """An answer ``{"ErrorCode": code, "ErrorMessage": message}``."""

    def __init__(self, code: int, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


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
        fields = asdict(self)
        return {
            "referenceId": fields["reference_id"],
            "plate": fields["plate"],
            "startTime": fields["start_time"],
            "endTime": fields["end_time"],
            "zone": fields["zone"],
            "permitNo": fields["permit_no"],
            "amount": fields["amount"],
            "currency": fields["currency"],
            "updates": fields["updates"],
            "deletedBy": fields["deleted_by"],
        }


def normalized_plate(plate: str) -> str:
    return "".join(plate.split()).upper()


# --- request checks, in the order OPS-COM would meet them ---------------------------------------


def parse_body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise OpscomError(9003, "The request could not be parsed") from None
    if not isinstance(body, dict):
        raise OpscomError(9003, "The request could not be parsed: expected a JSON object")
    return body


def check_client_code(config: SandboxConfig, client_code: str) -> None:
    if not client_code:
        raise OpscomError(9000, "Client code missing")
    if client_code != config.client_code:
        raise OpscomError(9000, f"Unknown client code {client_code}")


def check_token(config: SandboxConfig, body: dict[str, Any]) -> None:
    token = body.get("apiToken")
    if token is None or token == "":
        raise OpscomError(9001, "API token missing")
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), config.api_token.encode()):
        # Echoing the token back is deliberate: the client must redact whatever a server returns.
        raise OpscomError(9002, f"Token {token} lacks permission for this request")


def check_all_strings(body: dict[str, Any]) -> None:
    for name, value in body.items():
        if not isinstance(value, str):
            raise OpscomError(9033, f"{name} must be a string")


def pick(body: dict[str, Any], names: tuple[str, ...]) -> str | None:
    """The value sent under any of the accepted names; empty counts as absent."""
    values = {body[name].strip() for name in names if isinstance(body.get(name), str) and body[name].strip()}
    if len(values) > 1:
        # DECISION: two spellings with different values is ambiguous; refuse rather than guess.
        raise OpscomError(9033, f"Conflicting values for {'/'.join(names)}")
    return values.pop() if values else None


def checked_plate(body: dict[str, Any], *, required: bool) -> str | None:
    plate = pick(body, PLATE_NAMES)
    if plate is None:
        if required:
            raise OpscomError(9006, "Plate required")
        return None
    if len(plate) > PLATE_HARD_LIMIT:
        raise OpscomError(9021, "Plate longer than 50 characters")
    if len(plate) > PLATE_LIMIT:
        raise OpscomError(9030, "plate is too long (25 characters at most)")
    return plate


def parsed_datetime(value: str, code: int, label: str) -> datetime:
    if not DATETIME_PATTERN.match(value):
        raise OpscomError(code, f"{label} invalid: expected Y-m-d\\TH:i:s, got {value}")
    try:
        return datetime.strptime(value, WIRE_DATETIME_FORMAT)
    except ValueError:
        raise OpscomError(code, f"{label} invalid: {value} is not a real date") from None


def checked_end(body: dict[str, Any], *, required: bool) -> str | None:
    end = pick(body, END_NAMES)
    if end is None:
        if required:
            raise OpscomError(9004, "End time required")
        return None
    parsed_datetime(end, 9005, "End time")
    return end


def check_end_after_start(start: str | None, end: str | None) -> None:
    # DECISION: an end at or before the start is an invalid end (the contract does not say).
    if start is not None and end is not None and end <= start:
        raise OpscomError(9005, "End time invalid: must be after the start time")


def checked_start(body: dict[str, Any]) -> str | None:
    start = pick(body, START_NAMES)
    if start is not None:
        parsed_datetime(start, 9007, "Start time")
    return start


def checked_zone(body: dict[str, Any], zones: frozenset[str]) -> str:
    zone = pick(body, ("zone",))
    if zone is None:
        # DECISION: every portal permit has a zone, so a push without one is refused.
        raise OpscomError(9031, "zone is required")
    if zone not in zones:
        raise OpscomError(9033, f"zone {zone} is not configured")
    return zone


def checked_permit_no(body: dict[str, Any]) -> str | None:
    permit_no = pick(body, ("permitNo",))
    if permit_no is not None and len(permit_no) > PERMIT_NO_LIMIT:
        raise OpscomError(9030, "permitNo is too long (50 characters at most)")
    return permit_no


def checked_amount(body: dict[str, Any]) -> str | None:
    amount = pick(body, AMOUNT_NAMES)
    if amount is None:
        return None
    if not AMOUNT_PATTERN.match(amount) or Decimal(amount) < MIN_AMOUNT:
        raise OpscomError(9033, f"Amount {amount} invalid: two decimals, 0.01 to 999999.99")
    return amount


def checked_currency(body: dict[str, Any]) -> str | None:
    currency = pick(body, CURRENCY_NAMES)
    if currency is not None and len(currency) > CURRENCY_LIMIT:
        raise OpscomError(9030, "currency is too long (10 characters at most)")
    return currency


def checked_reference(body: dict[str, Any]) -> str:
    reference = pick(body, REFERENCE_NAMES)
    if reference is None:
        raise OpscomError(9008, "Reference id required")
    return reference


def new_permit_from(body: dict[str, Any], zones: frozenset[str]) -> SandboxPermit:
    plate = checked_plate(body, required=True)
    end = checked_end(body, required=True)
    start = checked_start(body)
    check_end_after_start(start, end)
    return SandboxPermit(
        reference_id=str(uuid.uuid4()),
        plate=plate,
        start_time=start,
        end_time=end,
        zone=checked_zone(body, zones),
        permit_no=checked_permit_no(body),
        amount=checked_amount(body),
        currency=checked_currency(body),
    )


def success(reference_id: str) -> dict[str, str]:
    return {"status": "success", "reference_id": reference_id, "InternalReferenceID": reference_id}


# --- the state -----------------------------------------------------------------------------------


class SandboxState:
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
            if idempotency_key:
                self.applied_by_idempotency_key[idempotency_key] += 1
            return answer

    def _dispatch(self, action: str, client_code: str, raw_body: bytes) -> dict:
        check_client_code(self.config, client_code)
        body = parse_body(raw_body)
        check_token(self.config, body)
        check_all_strings(body)
        handlers = {"push": self._push, "update": self._update, "delete": self._delete}
        return handlers[action](body)

    def _push(self, body: dict[str, Any]) -> dict:
        permit = new_permit_from(body, self.config.zones)
        if any(live.duplicate_key() == permit.duplicate_key() for live in self.live.values()):
            raise OpscomError(9022, "A record already exists with these details")
        self.live[permit.reference_id] = permit
        return success(permit.reference_id)

    def _update(self, body: dict[str, Any]) -> dict:
        permit = self._live_permit(checked_reference(body))
        end = checked_end(body, required=False)
        check_end_after_start(permit.start_time, end)
        plate = checked_plate(body, required=False)
        amount, currency = checked_amount(body), checked_currency(body)
        changes = {"end_time": end, "plate": plate, "amount": amount, "currency": currency}
        for name, value in changes.items():
            if value is not None:
                setattr(permit, name, value)
        permit.updates += 1
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


def config_from(
    *,
    client_code: str = DEFAULT_CLIENT_CODE,
    api_token: str = DEFAULT_API_TOKEN,
    zones: Iterable[str] = DEFAULT_ZONES,
    echo_request: bool = False,
    errors_as_200: bool = False,
) -> SandboxConfig:
    return SandboxConfig(client_code, api_token, frozenset(zones), echo_request, errors_as_200)
