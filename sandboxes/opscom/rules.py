"""OPS-COM's request rules as the sandbox enforces them: pure functions that raise ``OpscomError``.

They follow shared/contracts/opscom.md. Where the contract is silent the sandbox is strict, so the
portal's bugs show here rather than in production (each such choice is marked DECISION).
"""

from __future__ import annotations

import hmac
import json
import re
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

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


class OpscomError(Exception):
    """An answer ``{"ErrorCode": code, "ErrorMessage": message}``."""

    def __init__(self, code: int, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def normalized_plate(plate: str) -> str:
    return "".join(plate.split()).upper()


def parse_body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise OpscomError(9003, "The request could not be parsed") from None
    if not isinstance(body, dict):
        raise OpscomError(9003, "The request could not be parsed: expected a JSON object")
    return body


def check_client_code(expected: str, client_code: str) -> None:
    if not client_code:
        raise OpscomError(9000, "Client code missing")
    if client_code != expected:
        raise OpscomError(9000, f"Unknown client code {client_code}")


def check_token(expected: str, body: dict[str, Any]) -> None:
    token = body.get("apiToken")
    if token is None or token == "":
        raise OpscomError(9001, "API token missing")
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), expected.encode()):
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


def check_wire_datetime(value: str, code: int, label: str) -> None:
    if not DATETIME_PATTERN.match(value):
        raise OpscomError(code, f"{label} invalid: expected Y-m-d\\TH:i:s, got {value}")
    try:
        datetime.strptime(value, WIRE_DATETIME_FORMAT)
    except ValueError:
        raise OpscomError(code, f"{label} invalid: {value} is not a real date") from None


def checked_end(body: dict[str, Any], *, required: bool) -> str | None:
    end = pick(body, END_NAMES)
    if end is None:
        if required:
            raise OpscomError(9004, "End time required")
        return None
    check_wire_datetime(end, 9005, "End time")
    return end


def check_end_after_start(start: str | None, end: str | None) -> None:
    # DECISION: an end at or before the start is an invalid end (the contract does not say).
    if start is not None and end is not None and end <= start:
        raise OpscomError(9005, "End time invalid: must be after the start time")


def checked_start(body: dict[str, Any]) -> str | None:
    start = pick(body, START_NAMES)
    if start is not None:
        check_wire_datetime(start, 9007, "Start time")
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


def validated_push(body: dict[str, Any], zones: frozenset[str]) -> dict[str, str | None]:
    """The fields of a new permit, checked in the order OPS-COM documents its codes."""
    plate = checked_plate(body, required=True)
    end = checked_end(body, required=True)
    start = checked_start(body)
    check_end_after_start(start, end)
    return {
        "reference_id": str(uuid.uuid4()),
        "plate": plate,
        "start_time": start,
        "end_time": end,
        "zone": checked_zone(body, zones),
        "permit_no": checked_permit_no(body),
        "amount": checked_amount(body),
        "currency": checked_currency(body),
    }


def validated_update(body: dict[str, Any], start_time: str | None) -> dict[str, str]:
    """The changes an update asks for (only those present); update has no start time."""
    end = checked_end(body, required=False)
    check_end_after_start(start_time, end)
    changes = {
        "end_time": end,
        "plate": checked_plate(body, required=False),
        "amount": checked_amount(body),
        "currency": checked_currency(body),
    }
    return {name: value for name, value in changes.items() if value is not None}


def success(reference_id: str) -> dict[str, str]:
    return {"status": "success", "reference_id": reference_id, "InternalReferenceID": reference_id}
