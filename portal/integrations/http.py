"""HTTP plumbing shared by the partner clients: pooled sessions, typed errors, call records.

Every call produces a ``CallRecord`` (what the delivery layer stores as an attempt). Records
hold a *summary* of the request built by the caller's redactor, never the raw body, so a
secret that travels in a body (OPS-COM's token) or a header (Buzz-In's key) cannot leak.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import requests
from django.views.decorators.debug import sensitive_variables
from requests.adapters import HTTPAdapter

RESPONSE_EXCERPT_CHARS = 2000
DEFAULT_TIMEOUT = (3.05, 15.0)  # (connect, read) seconds
REDACTED = "[redacted]"


@dataclass
class CallRecord:
    method: str
    url: str
    request_summary: str = ""
    status_code: int | None = None
    response_excerpt: str = ""
    duration_ms: int = 0
    error: str = ""


@dataclass
class PartnerResult:
    data: dict[str, Any]
    call: CallRecord
    status_code: int = 200


class PartnerError(Exception):
    """A partner call that did not succeed. ``retryable`` decides the delivery's fate."""

    retryable = False
    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        call: CallRecord | None = None,
        status_code: int | None = None,
        code: int | str | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.call = call
        self.status_code = status_code
        self.code = code
        self.retry_after = retry_after


class BadRequest(PartnerError):
    kind = "bad_request"


class Unauthorized(PartnerError):
    kind = "unauthorized"


class NotFound(PartnerError):
    kind = "not_found"


class Conflict(PartnerError):
    kind = "conflict"


class RateLimited(PartnerError):
    kind = "rate_limited"
    retryable = True


class ServerError(PartnerError):
    kind = "server_error"
    retryable = True


class PartnerTimeout(PartnerError):
    kind = "timeout"
    retryable = True


class PartnerConnectionError(PartnerError):
    kind = "connection_error"
    retryable = True


class ConfigurationError(PartnerError):
    """Wrong credentials or client code: retrying cannot help, an admin must act."""

    kind = "configuration"


@dataclass
class PooledSession:
    """One ``requests.Session`` per client instance, keep-alive connections reused."""

    pool_size: int = 10
    session: requests.Session = field(init=False)

    def __post_init__(self):
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=self.pool_size, pool_maxsize=self.pool_size, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)


def excerpt(text: str | bytes | None, limit: int = RESPONSE_EXCERPT_CHARS) -> str:
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return text if len(text) <= limit else text[:limit] + "…"


class Secret:
    """Holds a credential so that repr(), vars(), logs and error reports of whatever holds it show ``[redacted]``.

    Pass it around instead of the string: frames of a Django-free package cannot be marked with Django's
    ``sensitive_variables``, so they must never hold the plain value in a variable (see the OPS-COM client).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str | Secret):
        self._value = value.reveal() if isinstance(value, Secret) else value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return REDACTED

    __str__ = __repr__


def redact(text: str, *secrets: str | Secret | None) -> str:
    """Remove every occurrence of each non-empty secret from ``text``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret.reveal() if isinstance(secret, Secret) else secret, REDACTED)
    return text


@sensitive_variables()  # headers and bodies carry credentials; so do the library frames below
def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    json_body: dict | None = None,
    headers: dict[str, str] | None = None,
    timeout=DEFAULT_TIMEOUT,
    request_summary: str = "",
    secrets: tuple[str | Secret | None, ...] = (),
) -> tuple[requests.Response, CallRecord]:
    """Perform one HTTP call; map transport failures to typed errors carrying the record."""
    call = CallRecord(method=method, url=redact(url, *secrets), request_summary=redact(request_summary, *secrets))
    started = time.monotonic()
    try:
        response = session.request(method, url, json=json_body, headers=headers, timeout=timeout)
    except requests.Timeout as exc:
        call.duration_ms = _elapsed_ms(started)
        call.error = redact(f"timeout: {exc}", *secrets)
        raise PartnerTimeout(call.error, call=call) from None
    except requests.ConnectionError as exc:
        call.duration_ms = _elapsed_ms(started)
        call.error = redact(f"connection error: {exc}", *secrets)
        raise PartnerConnectionError(call.error, call=call) from None
    call.duration_ms = _elapsed_ms(started)
    call.status_code = response.status_code
    # Redact the whole body before cutting it, so a secret straddling the cut cannot survive.
    call.response_excerpt = excerpt(redact(response.content.decode("utf-8", errors="replace"), *secrets))
    return response, call


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
