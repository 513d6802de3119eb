"""Buzz-In webhook signatures: ``HMAC_SHA256(secret, "<timestamp ms>-<raw body>")`` as lower-case hex.

Shared by the sandbox (``sandboxes.buzzin``, the sender) and the portal's webhook receiver, so both sides
agree byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "buzzin-signature"
TIMESTAMP_HEADER = "buzzin-signature-timestamp"
TOKEN_HEADER = "X-Buzzin-Token"
EVENT_HEADER = "X-Buzzin-Event"
DELIVERY_HEADER = "X-Buzzin-Delivery"
DEFAULT_TOLERANCE_MS = 300_000  # 5 minutes, either way


def current_time_ms() -> int:
    return int(time.time() * 1000)


def sign(secret: str, timestamp_ms: str, raw_body: bytes) -> str:
    message = f"{timestamp_ms}-".encode() + raw_body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    timestamp_header: str | None,
    signature_header: str | None,
    raw_body: bytes,
    now_ms: int,
    tolerance_ms: int = DEFAULT_TOLERANCE_MS,
) -> tuple[bool, str]:
    """Check one delivery; the reason is meant for logs, never for the sender."""
    if not secret:
        return False, "no secret configured"
    if not timestamp_header or not signature_header:
        return False, "missing signature headers"
    timestamp = timestamp_header.strip()
    if not timestamp.isascii() or not timestamp.isdigit():
        return False, "timestamp is not numeric"
    skew = now_ms - int(timestamp)
    if skew > tolerance_ms:
        return False, "timestamp too old"
    if skew < -tolerance_ms:
        return False, "timestamp in the future"
    expected = sign(secret, timestamp, raw_body)
    if not hmac.compare_digest(expected, signature_header.strip().lower()):
        return False, "signature mismatch"
    return True, "ok"


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
