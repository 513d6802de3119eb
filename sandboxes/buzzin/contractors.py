"""``/communityContractors``: create (pending), approve, revoke (archives the contractor's active permits)."""

from __future__ import annotations

from typing import Any

from . import render
from .errors import Outcome, bad_request, conflict
from .model import ACCEPTED, ARCHIVED, Community, Contractor, new_object_id
from .rules import require_fields, require_phone, require_text, stored_file_url
from .state import SandboxState

REQUIRED_FIELDS = ("name", "email", "phone", "company.companyName")


def create_contractor(state: SandboxState, community: Community, body: dict[str, Any]) -> Outcome:
    contractor = _contractor_from_body(community, body)
    with state.lock:
        _reject_duplicates(state, contractor)
        state.contractors[contractor.id] = contractor
        delay = state.config.auto_approve_contractors_after
        if delay is not None:
            state.call_later(delay, lambda: _auto_approve(state, contractor.id))
    return Outcome(201, render.contractor_created(contractor), applied=True)


def contractor_action(state: SandboxState, community: Community, contractor_id: str, body: dict[str, Any]) -> Outcome:
    action = body.get("action")
    with state.lock:
        contractor = state.contractor_in(community, contractor_id)
        if action == "revoke":
            applied = revoke_contractor(state, contractor)
        elif action == "approve":
            applied = approve_contractor(state, contractor)
        else:
            raise bad_request("action must be 'revoke' or 'approve'")
    return Outcome(200, {}, applied=applied)


def approve_contractor(state: SandboxState, contractor: Contractor) -> bool:
    """Approve (or re-admit) a contractor; a no-op when it is already approved."""
    with state.lock:
        if contractor.active:
            return False
        contractor.approved, contractor.removed = True, False
        state.emit("communityContractors.approved", contractor.community_id, render.contractor_event_data(contractor))
        return True


def revoke_contractor(state: SandboxState, contractor: Contractor) -> bool:
    """The contractor leaves the community; each of its ACCEPTED permits is archived, then ``removed`` is sent."""
    with state.lock:
        if contractor.removed:
            return False
        contractor.removed, contractor.approved = True, False
        for permit in state.permits.values():
            if permit.contractor_id == contractor.id and permit.status == ACCEPTED:
                permit.status, permit.access_code = ARCHIVED, None
                state.emit("passes.permits.updated", permit.community_id, render.pass_updated_data(permit))
        state.emit("communityContractors.removed", contractor.community_id, render.contractor_event_data(contractor))
        return True


def _auto_approve(state: SandboxState, contractor_id: str) -> None:
    contractor = state.contractors.get(contractor_id)
    if contractor is not None and not contractor.approved and not contractor.removed:
        approve_contractor(state, contractor)


def _contractor_from_body(community: Community, body: dict[str, Any]) -> Contractor:
    require_fields(body, REQUIRED_FIELDS)
    company = body["company"]
    trade_license = company.get("tradeLicense")
    salesforce_id = ((body.get("integrations") or {}).get("damac") or {}).get("salesforceId")
    return Contractor(
        id=new_object_id(),
        community_id=community.id,
        name=require_text(body["name"], "name"),
        email=require_text(body["email"], "email"),
        phone=require_phone(body["phone"]),
        company_name=require_text(company["companyName"], "company.companyName"),
        salesforce_id=salesforce_id if isinstance(salesforce_id, str) and salesforce_id else None,
        trade_license_url=stored_file_url(trade_license, "tradeLicense", community.id) if trade_license else None,
    )


def _reject_duplicates(state: SandboxState, new: Contractor) -> None:
    """Email is unique across Buzz-In; phone and salesforceId within the community (revoked ones included)."""
    email = new.email.casefold()
    if any(existing.email.casefold() == email for existing in state.contractors.values()):
        raise conflict(f"A contractor with email {new.email} already exists")
    for existing in state.community_contractors(new.community_id):
        if existing.phone == new.phone:
            raise conflict(f"A contractor with phone {new.phone} already exists in this community")
        if new.salesforce_id and existing.salesforce_id == new.salesforce_id:
            raise conflict(f"A contractor with salesforceId {new.salesforce_id} already exists in this community")
