"""Buzz-In HTTP client: one method per documented call, typed errors, redacted call records.

Every guess the contract marks **DECISION** on the wire (auth scheme, paths, action names) lives
here, so a change of mind is a one-file change. The client never retries: the delivery layer
decides from the error's ``retryable`` flag.
"""

from __future__ import annotations

import json
import logging
import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import requests
from django.views.decorators.debug import sensitive_variables

from portal.integrations.http import (
    DEFAULT_TIMEOUT,
    BadRequest,
    CallRecord,
    Conflict,
    NotFound,
    PartnerError,
    PartnerResult,
    PooledSession,
    RateLimited,
    ServerError,
    Unauthorized,
    redact,
    send,
)

logger = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"
STATUS_NAMES_BY_NUMBER = {10: "DRAFT", 1: "ACCEPTED"}  # the only numbers Buzz-In documents
UNKNOWN_STATUS = "UNKNOWN"
MAX_SUMMARY_CHARS = 4000


class BuzzinClient:
    """Calls Buzz-In with one community's API key."""

    @sensitive_variables("api_key")
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session if session is not None else PooledSession().session
        self._api_key = api_key

    def __repr__(self) -> str:
        return f"BuzzinClient(base_url={self.base_url!r})"

    # Contractors

    def create_contractor(self, payload: dict, *, idempotency_key: str | None = None) -> PartnerResult:
        return self._call("POST", "/communityContractors", payload, idempotency_key)

    def contractor_action(
        self, contractor_id: str, action: str, *, idempotency_key: str | None = None
    ) -> PartnerResult:
        path = f"/communityContractors/{_segment(contractor_id)}"
        return self._call("PATCH", path, {"action": action}, idempotency_key)

    def approve_contractor(self, contractor_id: str, *, idempotency_key: str | None = None) -> PartnerResult:
        """Approve the contractor in this key's community, joining it there when it belongs elsewhere.

        **DECISION** ("One company in several communities"): Buzz-In's contractor is global, so a company
        it already knows is added to another community by ``approve`` with that community's key, never
        by a second create (which answers 409 on the e-mail).
        """
        return self.contractor_action(contractor_id, "approve", idempotency_key=idempotency_key)

    def revoke_contractor(self, contractor_id: str, *, idempotency_key: str | None = None) -> PartnerResult:
        """Remove the contractor from this key's community only (its permits there are archived)."""
        return self.contractor_action(contractor_id, "revoke", idempotency_key=idempotency_key)

    # Permits

    def create_permit(self, payload: dict, *, idempotency_key: str | None = None) -> PartnerResult:
        return self._call("POST", "/permits", payload, idempotency_key)

    def get_permit(self, permit_id_or_reference: str, *, idempotency_key: str | None = None) -> PartnerResult:
        return self._call("GET", f"/permits/{_segment(permit_id_or_reference)}", None, idempotency_key)

    def update_permit(self, permit_id: str, payload: dict, *, idempotency_key: str | None = None) -> PartnerResult:
        return self._call("PATCH", f"/permits/{_segment(permit_id)}", payload, idempotency_key)

    def replace_noc(self, permit_id: str, noc: dict, *, idempotency_key: str | None = None) -> PartnerResult:
        body = {"action": "replaceNoc", "noc": noc}
        return self._call("PATCH", f"/permits/{_segment(permit_id)}", body, idempotency_key)

    # Passes

    def submit_pass(self, permit_id: str, *, idempotency_key: str | None = None) -> PartnerResult:
        return self._pass_action(permit_id, {"action": "submit"}, idempotency_key)

    def revoke_pass(
        self, permit_id: str, reason: str | None = None, *, idempotency_key: str | None = None
    ) -> PartnerResult:
        body = {"action": "revoke"}
        if reason:
            body["reason"] = reason
        return self._pass_action(permit_id, body, idempotency_key)

    def reissue_pass(self, permit_id: str, *, idempotency_key: str | None = None) -> PartnerResult:
        return self._pass_action(permit_id, {"action": "reissuePass"}, idempotency_key)

    # Plumbing

    def _pass_action(self, permit_id: str, body: dict, idempotency_key: str | None) -> PartnerResult:
        return self._call("PATCH", f"/passes/{_segment(permit_id)}", body, idempotency_key)

    @sensitive_variables()
    def _call(self, method: str, path: str, body: dict | None, idempotency_key: str | None) -> PartnerResult:
        response, call = send(
            self.session,
            method,
            self.base_url + path,
            json_body=body,
            headers=self._headers(idempotency_key),
            timeout=self.timeout,
            request_summary=summarize_request(method, path, body),
            secrets=(self._api_key,),
        )
        data = _parse_body(response)
        if response.status_code >= 400:
            raise _error_for(response, data, call, self._api_key)
        if data is None or not isinstance(data, dict):
            message = f"Buzz-In answered {response.status_code} with a body that is not a JSON object"
            raise ServerError(message, call=call, status_code=response.status_code)
        return PartnerResult(data=data, call=call, status_code=response.status_code)

    @sensitive_variables()
    def _headers(self, idempotency_key: str | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json"}
        if idempotency_key:
            headers[IDEMPOTENCY_HEADER] = idempotency_key
        return headers


def status_name(status_number: int | str | None, status_name: str | None = None) -> str:
    """Our name for a Buzz-In status: trust ``statusName``, else the documented numbers, else UNKNOWN."""
    if isinstance(status_name, str) and status_name.strip():
        return status_name.strip().upper()
    try:
        number = int(status_number) if status_number is not None else None
    except (TypeError, ValueError):
        number = None
    if number in STATUS_NAMES_BY_NUMBER:
        return STATUS_NAMES_BY_NUMBER[number]
    logger.warning("Unknown Buzz-In permit status %r (statusName %r)", status_number, status_name)
    return UNKNOWN_STATUS


def summarize_request(method: str, path: str, body: dict | None) -> str:
    """``METHOD path {compact json}`` with every base64 ``data`` replaced by its size."""
    if body is None:
        return f"{method} {path}"
    compact = json.dumps(_without_file_data(body), separators=(",", ":"), ensure_ascii=False, default=str)
    summary = f"{method} {path} {compact}"
    return summary if len(summary) <= MAX_SUMMARY_CHARS else summary[:MAX_SUMMARY_CHARS] + "…"


def _without_file_data(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _describe_base64(item) if key == "data" and isinstance(item, str) else _without_file_data(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_without_file_data(item) for item in value]
    return value


def _describe_base64(encoded: str) -> str:
    text = "".join(encoded.split())
    decoded_size = len(text) * 3 // 4 - text[-2:].count("=")
    return f"<{max(decoded_size, 0)} bytes base64>"


def _segment(identifier: str) -> str:
    if not identifier or not str(identifier).strip():
        raise ValueError("a Buzz-In id or reference is required")
    return quote(str(identifier), safe="")


def _parse_body(response: requests.Response) -> Any:
    """Parsed JSON; ``{}`` for an empty body; ``None`` when the body is not JSON."""
    if not response.content or not response.content.strip():
        return {}
    try:
        return response.json()
    except ValueError:
        return None


_ERRORS_BY_STATUS: dict[int, type[PartnerError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Unauthorized,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}


@sensitive_variables("api_key")
def _error_for(response: requests.Response, data: Any, call: CallRecord, api_key: str) -> PartnerError:
    status = response.status_code
    error_class = _ERRORS_BY_STATUS.get(status) or (ServerError if status >= 500 else BadRequest)
    body = data if isinstance(data, dict) else {}
    message = body.get("message") if isinstance(body.get("message"), str) else ""
    message = redact(message or f"HTTP {status} {response.reason or ''}".strip(), api_key)
    retry_after = parse_retry_after(response.headers.get("Retry-After")) if status == 429 else None
    call.error = f"{error_class.kind}: {message}"
    return error_class(message, call=call, status_code=status, code=body.get("code", status), retry_after=retry_after)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is not None:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)
