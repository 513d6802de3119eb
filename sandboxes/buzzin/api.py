"""The Buzz-In API surface: outage simulation, Bearer authentication, routing, idempotency accounting."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from .contractors import contractor_action, create_contractor
from .errors import ApiError, Outcome, parse_json_object
from .model import Community
from .passes import pass_action
from .permits import create_permit, get_permit, update_permit
from .routing import Route, match, route
from .state import SandboxState

Params = dict[str, str]
Body = dict[str, Any]


@dataclass
class ApiRequest:
    method: str
    path: str
    authorization: str | None
    idempotency_key: str | None
    raw_body: bytes = b""


def handle_api(state: SandboxState, request: ApiRequest) -> Outcome:
    """Answer one API call; failures raise ``ApiError`` (mutations are still counted in the stats)."""
    _simulate_outage(state)
    community = _authenticate(state, request.authorization)
    matched, params = match(ROUTES, request.method, request.path)
    body = parse_json_object(request.raw_body)
    operation = _operation_name(matched, body)
    interceptor = state.interceptor if operation else None
    try:
        if interceptor is not None:
            interceptor("received", operation, request.idempotency_key)
        outcome = matched.handler(state, community, params, body)
    except ApiError:
        if operation:
            state.stats.record(operation, request.idempotency_key, applied=False)
        raise
    if operation:
        state.stats.record(operation, request.idempotency_key, applied=outcome.applied)
    if interceptor is not None and outcome.applied:
        interceptor("applied", operation, request.idempotency_key)
    return outcome


def _simulate_outage(state: SandboxState) -> None:
    with state.lock:
        mode, hang_seconds = state.outage.current_mode(), state.outage.hang_seconds
    if mode is None:
        return
    state.stats.record_outage_rejection()
    if mode == "hang":
        time.sleep(hang_seconds)
    raise ApiError(503, "Service temporarily unavailable (sandbox outage)")


def _authenticate(state: SandboxState, authorization: str | None) -> Community:
    scheme, _, api_key = (authorization or "").partition(" ")
    community = state.community_for_key(api_key.strip()) if scheme.lower() == "bearer" else None
    if community is None:
        raise ApiError(401, "Missing or invalid API key")
    return community


def _operation_name(matched: Route, body: dict[str, Any]) -> str | None:
    """``passAction.submit``, ``updatePermit.replaceNoc``... so each kind of mutation is counted apart."""
    if matched.operation is None:
        return None
    action = body.get("action")
    return f"{matched.operation}.{action}" if isinstance(action, str) and action else matched.operation


def _create_contractor(state: SandboxState, community: Community, params: Params, body: Body) -> Outcome:
    return create_contractor(state, community, body)


def _contractor_action(state: SandboxState, community: Community, params: Params, body: Body) -> Outcome:
    return contractor_action(state, community, params["id"], body)


def _create_permit(state: SandboxState, community: Community, params: Params, body: Body) -> Outcome:
    return create_permit(state, community, body)


def _get_permit(state: SandboxState, community: Community, params: Params, body: Body) -> Outcome:
    return get_permit(state, community, params["id"])


def _update_permit(state: SandboxState, community: Community, params: Params, body: Body) -> Outcome:
    return update_permit(state, community, params["id"], body)


def _pass_action(state: SandboxState, community: Community, params: Params, body: Body) -> Outcome:
    return pass_action(state, community, params["id"], body)


ROUTES: list[Route] = [
    route("POST", "/communityContractors", _create_contractor, "createContractor"),
    route("PATCH", "/communityContractors/{id}", _contractor_action, "contractorAction"),
    route("POST", "/permits", _create_permit, "createPermit"),
    route("GET", "/permits/{id}", _get_permit),
    route("PATCH", "/permits/{id}", _update_permit, "updatePermit"),
    route("PATCH", "/passes/{id}", _pass_action, "passAction"),
]
