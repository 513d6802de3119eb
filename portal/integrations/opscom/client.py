"""OPS-COM parking permits client: push, update and delete one permit per vehicle.

Wire rules (see shared/contracts/opscom.md): ``POST /api/{client}/v1/permits/{action}``, JSON body,
the token inside the body as ``apiToken``, every value a JSON string.

Datetimes: callers pass *aware* datetimes plus ``tz_name``, the community's time zone (default
``Asia/Dubai``). The client converts to that zone and formats ``Y-m-d\\TH:i:s`` without an offset, as
OPS-COM wants; naive datetimes are refused. Amounts are ``Decimal``/``int``/``str`` and go out with
two decimals (``"14.50"``).

Answers are decided from the body, whatever the HTTP status: ``{"status": "success"}`` gives a
``PartnerResult`` whose ``data["reference_id"]`` is OPS-COM's reference; ``{"ErrorCode": n}`` raises
the typed error from ``errors.ERROR_TABLE`` with ``.code`` and ``.reaction`` set. Only a response
without such a body falls back on the status: 429 ``RateLimited``, 5xx ``ServerError``, else
``BadRequest``. Timeouts and connection errors come typed from ``http.send``.

The token never leaves this module except in the request body: the request summary replaces it,
and every record, message and log line is redacted.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests

from portal.integrations.http import (
    DEFAULT_TIMEOUT,
    REDACTED,
    BadRequest,
    CallRecord,
    ConfigurationError,
    PartnerError,
    PartnerResult,
    PooledSession,
    RateLimited,
    Secret,
    ServerError,
    excerpt,
    redact,
    send,
)
from portal.integrations.opscom.errors import BUG, RETRY, error_for_code, parse_code

logger = logging.getLogger(__name__)

DEFAULT_TZ_NAME = "Asia/Dubai"
WIRE_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
CENT = Decimal("0.01")
ERROR_MESSAGE_CHARS = 300

Amount = Decimal | int | str


def format_local_datetime(aware_dt: datetime, tz_name: str = DEFAULT_TZ_NAME) -> str:
    """``2026-07-01T06:00:00Z`` in ``Asia/Dubai`` → ``"2026-07-01T10:00:00"`` (seconds truncated)."""
    if aware_dt.tzinfo is None or aware_dt.utcoffset() is None:
        raise ValueError("OPS-COM datetimes must be timezone-aware")
    return aware_dt.astimezone(_zone(tz_name)).strftime(WIRE_DATETIME_FORMAT)


def _zone(tz_name: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {tz_name!r}") from None


def format_amount(amount: Amount) -> str:
    """``Decimal("14.5")`` → ``"14.50"``. Sub-cent precision is refused rather than silently rounded."""
    if isinstance(amount, float | bool):
        raise TypeError("pass amounts as Decimal, int or str, not float")
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    if value != value.quantize(CENT):
        raise ValueError(f"amount has sub-cent precision: {amount!r}")
    return f"{value.quantize(CENT):f}"


class OpscomClient:
    """One OPS-COM tenant (client code + token). Reuse an instance: its session keeps connections alive."""

    def __init__(
        self,
        base_url: str,
        client_code: str,
        api_token: str | Secret,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | PooledSession | None = None,
    ):
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise ConfigurationError("OPS-COM base URL must start with http:// or https://")
        self.base_url = base_url.rstrip("/")
        self.client_code = client_code
        self._api_token = Secret(api_token)
        self.timeout = timeout
        self.session = _requests_session(session)

    def __repr__(self) -> str:
        return f"OpscomClient(base_url={self.base_url!r}, client_code={self.client_code!r})"

    def push_permit(
        self,
        *,
        plate: str,
        start: datetime | None,
        end: datetime,
        zone: str,
        permit_no: str,
        amount: Amount | None = None,
        currency: str | None = None,
        tz_name: str = DEFAULT_TZ_NAME,
        idempotency_key: str | None = None,
    ) -> PartnerResult:
        """Create a permit; ``result.data["reference_id"]`` is what update and delete need."""
        fields = {
            "plate": plate,
            "startTime": format_local_datetime(start, tz_name) if start is not None else None,
            "endTime": format_local_datetime(end, tz_name),
            "zone": zone,
            "permitNo": permit_no,
            **_money_fields(amount, currency),
        }
        result = self._post("push", fields, idempotency_key)
        if not result.data.get("reference_id"):
            raise _missing_reference_error(result.call)
        return result

    def update_permit(
        self,
        *,
        reference_id: str,
        end: datetime | None = None,
        plate: str | None = None,
        amount: Amount | None = None,
        currency: str | None = None,
        tz_name: str = DEFAULT_TZ_NAME,
        idempotency_key: str | None = None,
    ) -> PartnerResult:
        """Change end, plate or fee. OPS-COM has no way to change the start: delete and push anew."""
        fields = {
            "referenceID": reference_id,
            "endTime": format_local_datetime(end, tz_name) if end is not None else None,
            "plate": plate,
            **_money_fields(amount, currency),
        }
        return self._post("update", fields, idempotency_key)

    def delete_permit(self, *, reference_id: str, idempotency_key: str | None = None) -> PartnerResult:
        return self._post("delete", {"referenceID": reference_id}, idempotency_key)

    def url_for(self, action: str) -> str:
        return f"{self.base_url}/api/{quote(self.client_code, safe='')}/v1/permits/{action}"

    def _post(self, action: str, fields: dict[str, str | None], idempotency_key: str | None) -> PartnerResult:
        sent_fields = {name: value for name, value in fields.items() if value is not None}
        _require_strings(sent_fields)
        # The plain token is only ever an argument of ``send`` (whose frames Django's error reports cleanse):
        # no frame of this Django-free module holds it in a variable.
        try:
            response, call = send(
                self.session,
                "POST",
                self.url_for(action),
                json_body={"apiToken": self._api_token.reveal(), **sent_fields},
                headers=_headers(idempotency_key),
                timeout=self.timeout,
                request_summary=request_summary(sent_fields),
                secrets=(self._api_token,),
            )
            result = interpret_response(response, call, secrets=(self._api_token,))
        except PartnerError as error:
            logger.warning("OPS-COM %s failed: %s", action, error.message, extra={"opscom_code": error.code})
            raise
        logger.info("OPS-COM %s ok: HTTP %s in %d ms", action, call.status_code, call.duration_ms)
        return result


def request_summary(fields: dict[str, str]) -> str:
    """What the delivery layer stores as the request: the body with the token replaced."""
    return json.dumps({"apiToken": REDACTED, **fields}, sort_keys=True, ensure_ascii=False)


def interpret_response(
    response: requests.Response, call: CallRecord, *, secrets: tuple[str | Secret | None, ...] = ()
) -> PartnerResult:
    """Decide from the body first; fall back on the HTTP status only when there is no OPS-COM body."""
    payload = _json_object(response)
    if payload is not None and _error_code_in(payload):
        raise _error_from_body(payload, response, call, secrets)
    if payload is not None and str(payload.get("status", "")).lower() == "success":
        return PartnerResult(data=_success_data(payload, secrets), call=call, status_code=response.status_code)
    raise _error_from_status(response, call)


def _requests_session(session: requests.Session | PooledSession | None) -> requests.Session:
    if session is None:
        return PooledSession().session
    if isinstance(session, PooledSession):
        return session.session
    return session


def _money_fields(amount: Amount | None, currency: str | None) -> dict[str, str | None]:
    return {
        "Amount": format_amount(amount) if amount is not None else None,
        "currency": currency.strip() if currency is not None else None,
    }


def _require_strings(fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if not isinstance(value, str):
            raise TypeError(f"OPS-COM field {name} must be a string, got {type(value).__name__}")


def _headers(idempotency_key: str | None) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return headers


def _json_object(response: requests.Response) -> dict[str, Any] | None:
    try:
        payload = json.loads(response.content)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _error_code_in(payload: dict[str, Any]) -> bool:
    return payload.get("ErrorCode") not in (None, "", 0, "0")


def _success_data(payload: dict[str, Any], secrets: tuple[str | Secret | None, ...]) -> dict[str, Any]:
    # Keep only the documented keys: an echoing server must not smuggle anything into stored data.
    reference = payload.get("reference_id") or payload.get("InternalReferenceID") or ""
    internal = payload.get("InternalReferenceID") or reference
    return {
        "status": "success",
        "reference_id": redact(str(reference), *secrets),
        "InternalReferenceID": redact(str(internal), *secrets),
    }


def _error_from_body(
    payload: dict[str, Any], response: requests.Response, call: CallRecord, secrets: tuple[str | Secret | None, ...]
) -> PartnerError:
    code = parse_code(payload.get("ErrorCode"))
    detail = redact(excerpt(str(payload.get("ErrorMessage", "")), ERROR_MESSAGE_CHARS), *secrets)
    call.error = f"OPS-COM error {code}: {detail}"
    return error_for_code(code, call.error, call=call, status_code=response.status_code)


def _error_from_status(response: requests.Response, call: CallRecord) -> PartnerError:
    status = response.status_code
    if status == 429:
        error = RateLimited("OPS-COM rate limit (HTTP 429)", call=call, status_code=status)
        error.retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
    elif status >= 500:
        error = ServerError(f"OPS-COM server error (HTTP {status})", call=call, status_code=status)
        error.retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
    else:
        error = BadRequest(f"OPS-COM answered HTTP {status} without an OPS-COM body", call=call, status_code=status)
    error.reaction = RETRY if error.retryable else BUG
    call.error = error.message
    return error


def _missing_reference_error(call: CallRecord) -> PartnerError:
    call.error = "OPS-COM push succeeded without a reference_id"
    error = BadRequest(call.error, call=call, status_code=call.status_code)
    error.reaction = BUG
    return error


def _retry_after_seconds(header: str | None) -> float | None:
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(moment.tzinfo)).total_seconds())
