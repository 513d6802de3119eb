"""Pure comparisons: what the portal holds against what Buzz-In answered for one permit.

Expectations per portal status (DECISION, from the contract's status notes):
- active: ACCEPTED with an access code (the pass the portal shows must open the gates);
- approved: DRAFT, SUBMITTED or ACCEPTED. A DRAFT means the submit never arrived (repair: submit);
  an ACCEPTED one means the ``passes.permits.issued`` webhook never arrived (repair: reissue,
  whose webhook activates the permit);
- revoked, expired, archived: anything but a pass that still opens gates, i.e. ACCEPTED with a
  validity that has not ended. Buzz-In cannot revive a REVOKED or ARCHIVED pass, so the reverse
  (a live portal permit dead at Buzz-In) is a status drift with no automatic repair.
Dates are compared to the second (the wire carries milliseconds).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from permits.choices import PermitStatus
from permits.models import Permit
from portal.integrations.buzzin import operations as op
from portal.integrations.buzzin.client import status_name
from portal.integrations.buzzin.records import permit_buzzin_id

from .kinds import DriftKind

ACCEPTED, DRAFT, SUBMITTED = "ACCEPTED", "DRAFT", "SUBMITTED"
LIVE = (PermitStatus.APPROVED, PermitStatus.ACTIVE)
DEAD = (PermitStatus.REVOKED, PermitStatus.EXPIRED, PermitStatus.ARCHIVED)
TOLERANCE = datetime.timedelta(seconds=1)


@dataclass(frozen=True)
class Finding:
    kind: str
    detail: dict = field(default_factory=dict)


def permit_findings(permit: Permit, remote: dict | None, now: datetime.datetime) -> list[Finding]:
    """Every drift between ``permit`` and Buzz-In's answer (``None``: Buzz-In answered 404)."""
    if remote is None:
        return [Finding(DriftKind.MISSING_AT_BUZZIN, _base(permit))] if permit.status in LIVE else []
    state = remote_state(remote)
    if permit.status in DEAD:
        return _dead_findings(permit, state, now)
    return [finding for finding in (_status_finding(permit, state), _dates_finding(permit, state)) if finding]


def remote_state(remote: dict) -> dict:
    return {
        "status": status_name(remote.get("status"), remote.get("statusName")),
        "valid_from": parse_moment(remote.get("validFrom")),
        "valid_till": parse_moment(remote.get("validTill")),
        "has_access_code": bool(remote.get("accessCode")),
    }


def parse_moment(value) -> datetime.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _dead_findings(permit: Permit, state: dict, now: datetime.datetime) -> list[Finding]:
    ends = state["valid_till"]
    if state["status"] != ACCEPTED or (ends is not None and ends <= now):
        return []
    detail = {**_base(permit), "buzzin_status": state["status"], "buzzin_valid_till": _iso(ends)}
    return [Finding(DriftKind.PASS_LIVE_AFTER_REVOCATION, detail)]


def _status_finding(permit: Permit, state: dict) -> Finding | None:
    repair = expected_status_repair(permit.status, state["status"], state["has_access_code"])
    if repair is None:
        return None
    detail = {**_base(permit), "buzzin_status": state["status"], "access_code": state["has_access_code"]}
    return Finding(DriftKind.STATUS_DIFFERS, {**detail, "repair": repair})


def expected_status_repair(portal_status: str, remote: str, has_code: bool) -> str | None:
    """``None`` when Buzz-In's status fits a live portal status; else the repairing operation ("" for none)."""
    if portal_status == PermitStatus.ACTIVE:
        if remote == ACCEPTED:
            return None if has_code else str(op.PASS_REISSUE)
        return str(op.PERMIT_SUBMIT) if remote == DRAFT else ""
    if remote == SUBMITTED:
        return None
    if remote == DRAFT:
        return str(op.PERMIT_SUBMIT)
    return str(op.PASS_REISSUE) if remote == ACCEPTED else ""


def _dates_finding(permit: Permit, state: dict) -> Finding | None:
    pairs = {"valid_from": permit.valid_from, "valid_till": permit.valid_till}
    differs = [name for name, ours in pairs.items() if not _same(ours, state[name])]
    if not differs:
        return None
    detail = {
        **_base(permit),
        "fields": differs,
        "portal": {name: _iso(value) for name, value in pairs.items()},
        "buzzin": {name: _iso(state[name]) for name in pairs},
    }
    return Finding(DriftKind.DATES_DIFFER, detail)


def _same(ours: datetime.datetime, theirs: datetime.datetime | None) -> bool:
    return theirs is not None and abs(ours - theirs) < TOLERANCE


def _base(permit: Permit) -> dict:
    return {
        "permit_id": permit.pk,
        "reference": permit.reference,
        "portal_status": permit.status,
        "buzzin_id": getattr(permit, "buzzin_id", "") or permit_buzzin_id(permit),
    }


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat() if moment else None
