"""Buzz-In webhook signatures: ``HMAC_SHA256(secret, "<timestamp ms>-<raw body>")`` as lower-case hex.

Shared by the sandbox (``sandboxes.buzzin``, the sender) and the portal's webhook receiver, so both sides
agree byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac
import string
import time

from django.views.decorators.debug import sensitive_variables

SIGNATURE_HEADER = "buzzin-signature"
TIMESTAMP_HEADER = "buzzin-signature-timestamp"
TOKEN_HEADER = "X-Buzzin-Token"
EVENT_HEADER = "X-Buzzin-Event"
DELIVERY_HEADER = "X-Buzzin-Delivery"
DEFAULT_TOLERANCE_MS = 300_000  # 5 minutes, either way
# A millisecond timestamp has 13 digits until the year 2286; anything much longer is not one (and Python
# refuses to convert more than 4,300 digits to an int at all).
TIMESTAMP_MAX_DIGITS = 16
SIGNATURE_HEX_LENGTH = 64  # SHA-256, lower-case hex
HEX_DIGITS = frozenset(string.hexdigits.lower())


def current_time_ms() -> int:
    return int(time.time() * 1000)


@sensitive_variables()
def sign(secret: str, timestamp_ms: str, raw_body: bytes) -> str:
    message = f"{timestamp_ms}-".encode() + raw_body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@sensitive_variables()
def verify_signature(
    secret: str,
    timestamp_header: str | None,
    signature_header: str | None,
    raw_body: bytes,
    now_ms: int,
    tolerance_ms: int = DEFAULT_TOLERANCE_MS,
) -> tuple[bool, str]:
    """Check one delivery; the reason is meant for logs, never for the sender.

    Both headers are checked for their shape before any arithmetic or comparison: whatever a sender puts
    in them (thousands of digits, non-ASCII characters, a megabyte of text) is a refusal, never an error.
    """
    if not secret:
        return False, "no secret configured"
    if not timestamp_header or not signature_header:
        return False, "missing signature headers"
    timestamp = timestamp_header.strip()
    if not _is_decimal(timestamp, TIMESTAMP_MAX_DIGITS):
        return False, "timestamp is not a number of milliseconds"
    signature = signature_header.strip().lower()
    if len(signature) != SIGNATURE_HEX_LENGTH or not HEX_DIGITS.issuperset(signature):
        return False, "signature is not a SHA-256 hex digest"
    skew = now_ms - int(timestamp)
    if skew > tolerance_ms:
        return False, "timestamp too old"
    if skew < -tolerance_ms:
        return False, "timestamp in the future"
    expected = sign(secret, timestamp, raw_body)
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii")):
        return False, "signature mismatch"
    return True, "ok"


def _is_decimal(value: str, max_digits: int) -> bool:
    return 0 < len(value) <= max_digits and value.isascii() and value.isdigit()


@sensitive_variables()
def signed_headers(
    secret: str | None,
    raw_body: bytes,
    event: str,
    delivery_id: str,
    now_ms: int | None = None,
) -> dict[str, str]:
    """Headers of one webhook delivery; without a secret only the descriptive ones are sent."""
    headers = {"Content-Type": "application/json", EVENT_HEADER: event, DELIVERY_HEADER: delivery_id}
    if not secret:
        return headers
    timestamp = str(now_ms if now_ms is not None else current_time_ms())
    headers[SIGNATURE_HEADER] = sign(secret, timestamp, raw_body)
    headers[TIMESTAMP_HEADER] = timestamp
    headers[TOKEN_HEADER] = secret
    return headers
