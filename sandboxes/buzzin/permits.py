"""``/permits``: create as DRAFT, read (by ``_id`` or ``salesforcePermitId``), update validity/details, replace NOC."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from . import render
from .errors import Outcome, bad_request, conflict, not_found
from .model import ACCEPTED, ARCHIVED, REMOVED, Community, Contractor, Permit, Property, new_object_id
from .rules import (
    TEXT_FIELDS,
    check_validity_window,
    parse_datetime,
    parse_noc,
    parse_permit_details,
    utc_now,
)
from .state import SandboxState

UPDATABLE_FIELDS = ("validFrom", "validTill", *TEXT_FIELDS, "employees", "vehicles")


def create_permit(state: SandboxState, community: Community, body: dict[str, Any]) -> Outcome:
    """Checks run in this order: duplicate (409), body (400), references (404)."""
    with state.lock:
        _reject_duplicate(state, community, body.get("salesforcePermitId"))
        valid_from, valid_till = _required_window(body)
        details = parse_permit_details(body)
        noc = parse_noc(body["noc"], community.id) if body.get("noc") is not None else None
        contractor = _resolve_contractor(state, community, body)
        prop = _resolve_property(community, body.get("propertyExternalId"), body.get("propertyId"))
        permit = Permit(
            id=new_object_id(),
            community_id=community.id,
            salesforce_permit_id=body.get("salesforcePermitId"),
            contractor_id=contractor.id,
            property_id=prop.id,
            flat_id=_resolve_flat(prop, body.get("flatExternalId"), body.get("flatId")),
            additional_flat_ids=_resolve_additional_flats(prop, body),
            valid_from=valid_from,
            valid_till=valid_till,
            noc=noc,
            **details,
        )
        state.permits[permit.id] = permit
        return Outcome(201, render.permit_created(permit), applied=True)


def get_permit(state: SandboxState, community: Community, permit_id: str) -> Outcome:
    with state.lock:
        permit = state.permit_in(community, permit_id, by_reference=True)
        return Outcome(200, render.permit_detail(permit))


def update_permit(state: SandboxState, community: Community, permit_id: str, body: dict[str, Any]) -> Outcome:
    with state.lock:
        permit = state.permit_in(community, permit_id)
        if permit.status == ARCHIVED:
            raise bad_request("An archived permit cannot be changed")
        action = body.get("action")
        if action == "replaceNoc":
            return _replace_noc(permit, community, body)
        if action is not None:
            raise bad_request("action must be 'replaceNoc' (or send validity / permit fields without an action)")
        return _update_fields(state, permit, body)


def _update_fields(state: SandboxState, permit: Permit, body: dict[str, Any]) -> Outcome:
    if not any(key in body for key in UPDATABLE_FIELDS):
        raise bad_request(f"Nothing to update; accepted fields: {', '.join(UPDATABLE_FIELDS)}")
    valid_from, valid_till = _changed_window(permit, body)
    changes = {"valid_from": valid_from, "valid_till": valid_till, **parse_permit_details(body)}
    changed = {name: value for name, value in changes.items() if getattr(permit, name) != value}
    for name, value in changed.items():
        setattr(permit, name, value)
    validity_changed = bool({"valid_from", "valid_till"} & changed.keys())
    if validity_changed and permit.status == ACCEPTED:
        state.emit("passes.permits.updated", permit.community_id, render.pass_updated_data(permit))
    return Outcome(200, {}, applied=bool(changed))


def _replace_noc(permit: Permit, community: Community, body: dict[str, Any]) -> Outcome:
    if body.get("noc") is None:
        raise bad_request("noc is required for replaceNoc")
    new_noc = parse_noc(body["noc"], community.id)
    if permit.noc is not None:
        permit.noc.replaced_at = utc_now()
        permit.noc_history.append(permit.noc)
    permit.noc = new_noc
    return Outcome(200, {}, applied=True)


def _required_window(body: dict[str, Any]) -> tuple[datetime, datetime]:
    missing = [key for key in ("validFrom", "validTill") if body.get(key) in (None, "")]
    if missing:
        raise bad_request(f"Missing required fields: {', '.join(missing)}")
    valid_from = parse_datetime(body["validFrom"], "validFrom")
    valid_till = parse_datetime(body["validTill"], "validTill")
    check_validity_window(valid_from, valid_till, utc_now())
    return valid_from, valid_till


def _changed_window(permit: Permit, body: dict[str, Any]) -> tuple[datetime, datetime]:
    if "validFrom" not in body and "validTill" not in body:
        return permit.valid_from, permit.valid_till
    valid_from = parse_datetime(body["validFrom"], "validFrom") if "validFrom" in body else permit.valid_from
    valid_till = parse_datetime(body["validTill"], "validTill") if "validTill" in body else permit.valid_till
    check_validity_window(valid_from, valid_till, utc_now())
    return valid_from, valid_till


def _reject_duplicate(state: SandboxState, community: Community, salesforce_permit_id: Any) -> None:
    if salesforce_permit_id is None:
        return
    if not isinstance(salesforce_permit_id, str) or not salesforce_permit_id:
        raise bad_request("salesforcePermitId must be a non-empty string")
    if any(permit.salesforce_permit_id == salesforce_permit_id for permit in state.permits.values()):
        raise conflict(f"A permit with salesforcePermitId {salesforce_permit_id} already exists")


def _resolve_contractor(state: SandboxState, community: Community, body: dict[str, Any]) -> Contractor:
    salesforce_id, contractor_id = body.get("contractorSalesforceId"), body.get("communityContractorId")
    if not salesforce_id and not contractor_id:
        raise bad_request("contractorSalesforceId or communityContractorId is required")
    contractor = next(
        (
            candidate
            for candidate in state.community_contractors(community.id)
            if (contractor_id and candidate.id == contractor_id)
            or (salesforce_id and candidate.salesforce_id == salesforce_id)
        ),
        None,
    )
    if contractor is None or contractor.standing_in(community.id) == REMOVED:
        raise not_found(f"Contractor {contractor_id or salesforce_id} not found in this community")
    if not contractor.active_in(community.id):
        raise not_found(f"Contractor {contractor_id or salesforce_id} is not approved in this community")
    return contractor


def _resolve_property(community: Community, external_id: Any, property_id: Any) -> Property:
    if not external_id and not property_id:
        raise bad_request("propertyExternalId or propertyId is required")
    prop = community.find_property(external_id=external_id, property_id=property_id)
    if prop is None:
        raise not_found(f"Property {external_id or property_id} not found in this community")
    return prop


def _resolve_flat(prop: Property, external_id: Any, flat_id: Any) -> str:
    if not external_id and not flat_id:
        raise bad_request("flatExternalId or flatId is required")
    flat = prop.find_flat(external_id=external_id, flat_id=flat_id)
    if flat is None:
        raise not_found(f"Flat {external_id or flat_id} not found in property {prop.external_id}")
    return flat.id


def _resolve_additional_flats(prop: Property, body: dict[str, Any]) -> list[str]:
    external_ids = body.get("additionalFlatExternalIds") or []
    flat_ids = body.get("additionalFlatIds") or []
    if not isinstance(external_ids, list) or not isinstance(flat_ids, list):
        raise bad_request("additionalFlatExternalIds and additionalFlatIds must be lists")
    resolved = [_resolve_flat(prop, external_id, None) for external_id in external_ids]
    resolved += [_resolve_flat(prop, None, flat_id) for flat_id in flat_ids]
    return list(dict.fromkeys(resolved))
