"""The ``/_sandbox/`` control API (no auth): inspect, reset, configure, and drive what Buzz-In would do."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from . import render, simulate
from .contractors import approve_contractor, pending_communities
from .errors import Outcome, bad_request, not_found, parse_json_object
from .model import Permit
from .routing import Route, match, route
from .state import DEFAULT_HANG_SECONDS, Outage, SandboxState

PREFIX = "/_sandbox"
DEFAULT_OUTAGE_SECONDS = 30.0
OUTAGE_MODES = ("503", "hang")
PermitAction = Callable[[SandboxState, Permit, dict[str, Any]], Outcome]


def handle_control(state: SandboxState, method: str, path: str, raw_body: bytes) -> Outcome:
    matched, params = match(ROUTES, method, path[len(PREFIX) :] or "/")
    return matched.handler(state, params, parse_json_object(raw_body))


def sandbox_state(state: SandboxState, params: dict[str, str], body: dict[str, Any]) -> Outcome:
    with state.lock:
        snapshot = {
            "config": state.config.as_dict(),
            "outage": state.outage.as_dict(),
            "communities": [render.community_view(c) for c in state.communities.values()],
            "contractors": [render.contractor_state(c) for c in state.contractors.values()],
            "permits": [render.permit_state(p) for p in state.permits.values()],
        }
    snapshot["webhooks"] = state.webhooks.deliveries()
    return Outcome(200, snapshot)


def stats(state: SandboxState, params: dict[str, str], body: dict[str, Any]) -> Outcome:
    return Outcome(200, state.stats.snapshot())


def webhooks(state: SandboxState, params: dict[str, str], body: dict[str, Any]) -> Outcome:
    return Outcome(200, {"webhooks": state.webhooks.deliveries()})


def reset(state: SandboxState, params: dict[str, str], body: dict[str, Any]) -> Outcome:
    state.reset()
    return Outcome(200, {})


def add_community(state: SandboxState, params: dict[str, str], body: dict[str, Any]) -> Outcome:
    try:
        community = state.add_community(body)
    except (KeyError, TypeError, ValueError) as exc:
        raise bad_request(f"Invalid community: {exc}") from None
    return Outcome(201, render.community_view(community))


def configure(state: SandboxState, params: dict[str, str], body: dict[str, Any]) -> Outcome:
    """``{acceptDelay, webhookUrl, webhookSecret, autoApproveContractorsAfter, webhookRetryDelays, latency}``,
    all optional."""
    with state.lock:
        config = state.config
        if "acceptDelay" in body:
            config.accept_delay = _seconds(body["acceptDelay"], "acceptDelay")
        if "webhookUrl" in body:
            config.webhook_url = body["webhookUrl"] or None
        if "webhookSecret" in body:
            config.webhook_secret = body["webhookSecret"] or None
        if "autoApproveContractorsAfter" in body:
            value = body["autoApproveContractorsAfter"]
            config.auto_approve_contractors_after = None if value is None else _seconds(value, "autoApprove")
        if "latency" in body:
            config.latency = _seconds(body["latency"], "latency")
        if "webhookRetryDelays" in body:
            delays = tuple(_seconds(delay, "webhookRetryDelays") for delay in body["webhookRetryDelays"] or ())
            config.webhook_retry_delays = state.webhooks.retry_delays = delays
        return Outcome(200, config.as_dict())


def outage(state: SandboxState, params: dict[str, str], body: dict[str, Any]) -> Outcome:
    """``{"mode": "503"|"hang"|null, "seconds": N, "hangSeconds": M}``; a null mode ends the outage."""
    mode = body.get("mode")
    if mode is None or mode == "none":
        new_outage = Outage()
    elif str(mode) in OUTAGE_MODES:
        seconds = _seconds(body.get("seconds", DEFAULT_OUTAGE_SECONDS), "seconds")
        hang_seconds = _seconds(body.get("hangSeconds", DEFAULT_HANG_SECONDS), "hangSeconds")
        new_outage = Outage(mode=str(mode), until=time.monotonic() + seconds, hang_seconds=hang_seconds)
    else:
        raise bad_request("mode must be '503', 'hang' or null")
    with state.lock:
        state.outage = new_outage
        return Outcome(200, new_outage.as_dict())


def approve(state: SandboxState, params: dict[str, str], body: dict[str, Any]) -> Outcome:
    """A community admin approves the contractor in Buzz-In's dashboard: ``{"communityId"?}``, by default
    every community where it is pending (else the one it was created in)."""
    with state.lock:
        contractor = state.contractors.get(params["id"])
        if contractor is None:
            raise not_found(f"Contractor {params['id']} not found")
        community_id = body.get("communityId")
        if community_id is not None and community_id not in state.communities:
            raise not_found(f"Community {community_id} not found")
        targets = [community_id] if community_id else pending_communities(contractor) or [contractor.home_community_id]
        applied = [approve_contractor(state, contractor, target) for target in targets]
        return Outcome(200, {**render.contractor_state(contractor), "changed": any(applied)})


def redeliver(state: SandboxState, params: dict[str, str], body: dict[str, Any]) -> Outcome:
    """Send an earlier webhook again with the same envelope id, to exercise duplicate handling."""
    delivery = state.webhooks.redeliver(params["id"], state.config.webhook_url, state.config.webhook_secret)
    if delivery is None:
        raise not_found(f"Webhook event {params['id']} not found")
    return Outcome(202, {"deliveryId": delivery.delivery_id})


def on_permit(action: PermitAction) -> Callable[[SandboxState, dict[str, str], dict[str, Any]], Outcome]:
    """Run ``action`` on a permit of any community, found by ``_id`` or ``salesforcePermitId``."""

    def handler(state: SandboxState, params: dict[str, str], body: dict[str, Any]) -> Outcome:
        with state.lock:
            return action(state, _find_permit(state, params["id"]), body)

    return handler


def _find_permit(state: SandboxState, permit_id: str) -> Permit:
    permit = state.permits.get(permit_id) or next(
        (p for p in state.permits.values() if p.salesforce_permit_id == permit_id), None
    )
    if permit is None:
        raise not_found(f"Permit {permit_id} not found")
    return permit


def _seconds(value: Any, field_name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise bad_request(f"{field_name} must be a non-negative number of seconds")
    return float(value)


ROUTES: list[Route] = [
    route("GET", "/state", sandbox_state),
    route("GET", "/stats", stats),
    route("GET", "/webhooks", webhooks),
    route("POST", "/webhooks/{id}/redeliver", redeliver),
    route("POST", "/reset", reset),
    route("POST", "/communities", add_community),
    route("POST", "/config", configure),
    route("POST", "/outage", outage),
    route("POST", "/contractors/{id}/approve", approve),
    route("POST", "/permits/{id}/scan", on_permit(simulate.scan)),
    route("POST", "/permits/{id}/lastScanned", on_permit(simulate.last_scanned)),
    route("POST", "/permits/{id}/expiring", on_permit(simulate.expiring)),
    route("POST", "/permits/{id}/expire", on_permit(simulate.expire)),
    route("POST", "/permits/{id}/set", on_permit(simulate.force_set)),
]
