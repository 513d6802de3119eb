"""``PATCH /passes/{id}``: submit (accepted after ``accept_delay``), revoke, reissue; minting the pass itself."""

from __future__ import annotations

import base64
import io
import secrets
import string
from typing import Any

import qrcode
from qrcode.image.pure import PyPNGImage

from . import render
from .errors import Outcome, bad_request
from .model import ACCEPTED, ARCHIVED, DRAFT, EXPIRED, REVOKED, SUBMITTED, Community, Permit
from .rules import CDN_BASE, format_datetime, missing_for_submit
from .state import SandboxState

ACCESS_CODE_ALPHABET = string.ascii_uppercase + string.digits
ACCESS_CODE_LENGTH = 24


def pass_action(state: SandboxState, community: Community, permit_id: str, body: dict[str, Any]) -> Outcome:
    actions = {"submit": submit_pass, "revoke": revoke_pass, "reissuePass": reissue_pass}
    action = actions.get(body.get("action"))
    if action is None:
        raise bad_request("action must be one of: submit, revoke, reissuePass")
    with state.lock:
        permit = state.permit_in(community, permit_id)
        return action(state, permit, body)


def submit_pass(state: SandboxState, permit: Permit, body: dict[str, Any]) -> Outcome:
    """DRAFT → SUBMITTED, accepted later; a repeat on a submitted or accepted permit changes nothing."""
    if permit.status in (SUBMITTED, ACCEPTED):
        return Outcome(200, {})
    if permit.status != DRAFT:
        raise bad_request(f"A {permit.status_name} permit cannot be submitted")
    missing = missing_for_submit(_submit_fields(permit), permit.employees)
    if missing:
        raise bad_request(f"Cannot submit, missing: {', '.join(missing)}")
    permit.status = SUBMITTED
    state.call_later(state.config.accept_delay, lambda: accept_permit(state, permit.id))
    return Outcome(200, {}, applied=True)


def revoke_pass(state: SandboxState, permit: Permit, body: dict[str, Any]) -> Outcome:
    """The access code dies at once; revoking a revoked or archived permit changes nothing."""
    if permit.status in (REVOKED, ARCHIVED):
        return Outcome(200, {})
    reason = body.get("reason")
    permit.status, permit.access_code = REVOKED, None
    permit.revoke_reason = reason if isinstance(reason, str) and reason.strip() else None
    state.emit("passes.permits.updated", permit.community_id, render.pass_updated_data(permit))
    return Outcome(200, {}, applied=True)


def reissue_pass(state: SandboxState, permit: Permit, body: dict[str, Any]) -> Outcome:
    if permit.status != ACCEPTED:
        raise bad_request(f"Only an ACCEPTED permit can be reissued (this one is {permit.status_name})")
    mint_pass(state, permit)
    state.emit("passes.permits.issued", permit.community_id, render.pass_issued_data(permit))
    return Outcome(200, {}, applied=True)


def accept_permit(state: SandboxState, permit_id: str) -> None:
    """Buzz-In's approval, simulated: only a permit still SUBMITTED by a contractor still in its community."""
    with state.lock:
        permit = state.permits.get(permit_id)
        if permit is None or permit.status != SUBMITTED:
            return
        contractor = state.contractors.get(permit.contractor_id)
        if contractor is None or not contractor.active_in(permit.community_id):
            return
        permit.status = ACCEPTED
        mint_pass(state, permit)
        state.emit("passes.permits.issued", permit.community_id, render.pass_issued_data(permit))


def expire_pass(state: SandboxState, permit: Permit) -> None:
    permit.status, permit.access_code = EXPIRED, None
    state.emit("passes.permits.expired", permit.community_id, render.validity_event_data(permit))


def mint_pass(state: SandboxState, permit: Permit) -> None:
    """A new access code, QR and documentation; the pass number is kept across reissues."""
    permit.pass_number = permit.pass_number or state.next_pass_number()
    permit.pass_revision += 1
    permit.access_code = new_access_code()
    permit.qr_token = secrets.token_urlsafe(24)
    permit.qr_image_base64 = qr_png_base64(permit.access_code)
    permit.qr_image_url = f"{CDN_BASE}/passes/{permit.id}/{permit.qr_token}.png"
    permit.permit_documentation_url = f"{CDN_BASE}/permits/{permit.id}/{permit.pass_number}-r{permit.pass_revision}.pdf"


def new_access_code() -> str:
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def qr_png_base64(content: str) -> str:
    image = qrcode.make(content, image_factory=PyPNGImage, box_size=4, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _submit_fields(permit: Permit) -> dict[str, Any]:
    return {
        "validFrom": format_datetime(permit.valid_from),
        "validTill": format_datetime(permit.valid_till),
        "timeIn": permit.time_in,
        "timeOut": permit.time_out,
        "representativeName": permit.representative_name,
        "representativeContact": permit.representative_contact,
    }
