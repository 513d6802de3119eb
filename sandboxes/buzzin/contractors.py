"""``/communityContractors``: one contractor per e-mail across Buzz-In, standing per community.

A create attaches the contractor to the key's community (pending); an approve with a community's key
approves it there, attaching it first when it belonged elsewhere only (the contract's "One company in
several communities"); a revoke detaches that community alone and archives its active permits there.
"""

from __future__ import annotations

from typing import Any

from . import render
from .errors import Outcome, bad_request, conflict
from .model import ACCEPTED, APPROVED, ARCHIVED, PENDING, REMOVED, Community, Contractor, new_object_id
from .rules import require_fields, require_phone, require_text, stored_file_url
from .state import SandboxState

REQUIRED_FIELDS = ("name", "email", "phone", "company.companyName")
ACTIONS = ("approve", "revoke")


def create_contractor(state: SandboxState, community: Community, body: dict[str, Any]) -> Outcome:
    contractor = _contractor_from_body(community, body)
    with state.lock:
        _reject_duplicate_email(state, contractor.email)
        _reject_duplicates_in(state, contractor, community.id)
        state.contractors[contractor.id] = contractor
        delay = state.config.auto_approve_contractors_after
        if delay is not None:
            state.call_later(delay, lambda: _auto_approve(state, contractor.id, community.id))
    return Outcome(201, render.contractor_answer(contractor, community.id), applied=True)


def contractor_action(state: SandboxState, community: Community, contractor_id: str, body: dict[str, Any]) -> Outcome:
    """``approve`` finds the contractor in any community (joining this one); ``revoke`` only in this one."""
    action = body.get("action")
    with state.lock:
        if action == "approve":
            contractor = state.contractor(contractor_id)
            applied = approve_contractor(state, contractor, community.id)
        elif action == "revoke":
            contractor = state.contractor_in(community, contractor_id)
            applied = revoke_contractor(state, contractor, community.id)
        else:
            state.contractor(contractor_id)
            raise bad_request(f"action must be one of: {', '.join(ACTIONS)}")
        return Outcome(200, render.contractor_answer(contractor, community.id), applied=applied)


def approve_contractor(state: SandboxState, contractor: Contractor, community_id: str) -> bool:
    """Approve (join, or re-admit) the contractor in one community; a no-op when it is approved there."""
    with state.lock:
        if contractor.active_in(community_id):
            return False
        if contractor.standing_in(community_id) is None:
            _reject_duplicates_in(state, contractor, community_id)
        contractor.standing[community_id] = APPROVED
        state.emit("communityContractors.approved", community_id, render.contractor_event_data(contractor))
        return True


def revoke_contractor(state: SandboxState, contractor: Contractor, community_id: str) -> bool:
    """The contractor leaves one community: its ACCEPTED permits there are archived, then ``removed`` is sent.

    Its other communities, and their permits, are untouched.
    """
    with state.lock:
        if contractor.standing_in(community_id) in (None, REMOVED):
            return False
        contractor.standing[community_id] = REMOVED
        for permit in state.permits.values():
            if (permit.contractor_id, permit.community_id, permit.status) == (contractor.id, community_id, ACCEPTED):
                permit.status, permit.access_code = ARCHIVED, None
                state.emit("passes.permits.updated", permit.community_id, render.pass_updated_data(permit))
        state.emit("communityContractors.removed", community_id, render.contractor_event_data(contractor))
        return True


def pending_communities(contractor: Contractor) -> list[str]:
    return [community_id for community_id, standing in contractor.standing.items() if standing == PENDING]


def _auto_approve(state: SandboxState, contractor_id: str, community_id: str) -> None:
    contractor = state.contractors.get(contractor_id)
    if contractor is not None and contractor.standing_in(community_id) == PENDING:
        approve_contractor(state, contractor, community_id)


def _contractor_from_body(community: Community, body: dict[str, Any]) -> Contractor:
    require_fields(body, REQUIRED_FIELDS)
    company = body["company"]
    trade_license = company.get("tradeLicense")
    salesforce_id = ((body.get("integrations") or {}).get("damac") or {}).get("salesforceId")
    return Contractor(
        id=new_object_id(),
        home_community_id=community.id,
        name=require_text(body["name"], "name"),
        email=require_text(body["email"], "email"),
        phone=require_phone(body["phone"]),
        company_name=require_text(company["companyName"], "company.companyName"),
        salesforce_id=salesforce_id if isinstance(salesforce_id, str) and salesforce_id else None,
        trade_license_url=stored_file_url(trade_license, "tradeLicense", community.id) if trade_license else None,
        standing={community.id: PENDING},
    )


def _reject_duplicate_email(state: SandboxState, email: str) -> None:
    """E-mail is unique across Buzz-In, whatever the community."""
    folded = email.casefold()
    if any(existing.email.casefold() == folded for existing in state.contractors.values()):
        raise conflict(f"A contractor with email {email} already exists")


def _reject_duplicates_in(state: SandboxState, contractor: Contractor, community_id: str) -> None:
    """Phone and salesforceId are unique within a community (revoked contractors included)."""
    for existing in state.community_contractors(community_id):
        if existing.id == contractor.id:
            continue
        if existing.phone == contractor.phone:
            raise conflict(f"A contractor with phone {contractor.phone} already exists in this community")
        if contractor.salesforce_id and existing.salesforce_id == contractor.salesforce_id:
            raise conflict(
                f"A contractor with salesforceId {contractor.salesforce_id} already exists in this community"
            )
