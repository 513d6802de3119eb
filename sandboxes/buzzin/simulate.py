"""What happens at Buzz-In without an API call: gate scans, expiry, and forced drift for reconciliation tests."""

from __future__ import annotations

from typing import Any

from . import render
from .errors import Outcome, bad_request
from .model import ACCEPTED, ARCHIVED, REVOKED, STATUS_NAMES, Permit
from .passes import expire_pass
from .rules import format_datetime, parse_datetime, utc_now
from .state import SandboxState

DIRECTIONS = ("entry", "exit")
SETTABLE_FIELDS = ("status", "validFrom", "validTill", "accessCode", "passNumber")


def scan(state: SandboxState, permit: Permit, body: dict[str, Any]) -> Outcome:
    """A valid entry or exit at a gate: ``scanned`` every time, ``firstScanned`` the first time."""
    direction = body.get("direction", "entry")
    if direction not in DIRECTIONS:
        raise bad_request("direction must be 'entry' or 'exit'")
    scanned_at = parse_datetime(body["scannedAt"], "scannedAt") if body.get("scannedAt") else utc_now()
    rejection = gate_rejection(permit, body.get("accessCode"), scanned_at)
    if rejection:
        raise bad_request(f"Pass rejected: {rejection}")
    data = {"permitId": permit.id, "scannedAt": format_datetime(scanned_at), "direction": direction}
    data["gate"] = body.get("gate") or "Main Gate"
    if body.get("employeeName"):
        data["employeeName"] = body["employeeName"]
    permit.scans.append(data)
    state.emit("passes.permits.scanned", permit.community_id, data)
    first = len(permit.scans) == 1
    if first:
        state.emit("passes.permits.firstScanned", permit.community_id, data)
    return Outcome(200, {"accepted": True, "firstScan": first, "scan": data})


def gate_rejection(permit: Permit, access_code: str | None, scanned_at) -> str | None:
    """Why the gate would refuse this pass now, or None."""
    if permit.status == REVOKED:
        return "revoked"
    if permit.status == ARCHIVED:
        return "archived"
    if permit.status != ACCEPTED or not (permit.valid_from <= scanned_at <= permit.valid_till):
        return "expired/inactive"
    if access_code is not None and access_code != permit.access_code:
        return "unknown access code"
    return None


def last_scanned(state: SandboxState, permit: Permit, body: dict[str, Any]) -> Outcome:
    if not permit.scans:
        raise bad_request("This pass was never scanned")
    state.emit("passes.permits.lastScanned", permit.community_id, permit.scans[-1])
    return Outcome(200, {"scan": permit.scans[-1]})


def expiring(state: SandboxState, permit: Permit, body: dict[str, Any]) -> Outcome:
    state.emit("passes.permits.expiring", permit.community_id, render.validity_event_data(permit))
    return Outcome(200, {})


def expire(state: SandboxState, permit: Permit, body: dict[str, Any]) -> Outcome:
    expire_pass(state, permit)
    return Outcome(200, {})


def force_set(state: SandboxState, permit: Permit, body: dict[str, Any]) -> Outcome:
    """Overwrite fields without rules or webhooks, to create drift between Buzz-In and the portal."""
    unknown = sorted(set(body) - set(SETTABLE_FIELDS))
    if unknown:
        raise bad_request(f"Cannot set {', '.join(unknown)}; settable: {', '.join(SETTABLE_FIELDS)}")
    if "status" in body:
        permit.status = _status_number(body["status"])
    if "validFrom" in body:
        permit.valid_from = parse_datetime(body["validFrom"], "validFrom")
    if "validTill" in body:
        permit.valid_till = parse_datetime(body["validTill"], "validTill")
    if "accessCode" in body:
        permit.access_code = body["accessCode"]
    if "passNumber" in body:
        permit.pass_number = body["passNumber"]
    return Outcome(200, render.permit_state(permit))


def _status_number(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    by_name = {name: number for number, name in STATUS_NAMES.items()}
    if isinstance(value, str) and value.upper() in by_name:
        return by_name[value.upper()]
    raise bad_request(f"status must be a number or one of {', '.join(by_name)}")
