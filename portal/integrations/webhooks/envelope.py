"""The envelope of a Buzz-In webhook and defensive readers for its ``data`` (every field may be missing)."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from permits.choices import PermitStatus

from ..buzzin.client import status_name

logger = logging.getLogger(__name__)

ID_MAX_LENGTH = 100
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
QR_MAX_BYTES = 512 * 1024
URL_MAX_LENGTH = 500

# Buzz-In statuses the portal follows; the others (DRAFT, ACCEPTED, ...) move nothing by themselves.
TERMINAL_STATUS_NAMES = {
    "REVOKED": PermitStatus.REVOKED,
    "ARCHIVED": PermitStatus.ARCHIVED,
    "EXPIRED": PermitStatus.EXPIRED,
    "INACTIVE": PermitStatus.EXPIRED,
}


class EnvelopeError(ValueError):
    """The body is not a webhook envelope; the message is safe to answer with."""


@dataclass(frozen=True)
class Envelope:
    id: str
    event: str
    community_id: str
    created_at: datetime.datetime
    data: dict[str, Any]

    @classmethod
    def from_inbound(cls, inbound) -> Envelope:
        """The stored event; without a usable ``createdAt`` the time it was received stands in."""
        data = inbound.payload.get("data")
        return cls(
            id=inbound.event_id,
            event=inbound.event,
            community_id=inbound.community_id,
            created_at=inbound.created_at_remote or inbound.received_at,
            data=data if isinstance(data, dict) else {},
        )


def parse_envelope(raw_body: bytes) -> dict[str, Any]:
    """The decoded JSON object with a usable ``id`` and ``event``; raises EnvelopeError otherwise."""
    try:
        body = json.loads(raw_body)
    except (ValueError, RecursionError):
        raise EnvelopeError("body is not JSON") from None
    if not isinstance(body, dict):
        raise EnvelopeError("body is not a JSON object")
    for key in ("id", "event"):
        value = body.get(key)
        if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
            raise EnvelopeError(f"envelope has no {key}")
        if len(str(value).strip()) > ID_MAX_LENGTH:
            raise EnvelopeError(f"envelope {key} is too long")
    return body


def text(data: dict, key: str, max_length: int) -> str:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return str(value).strip()[:max_length]


def moment(data: dict, key: str) -> datetime.datetime | None:
    """An ISO 8601 date-time as an aware datetime (UTC when no zone is given), or None."""
    value = data.get(key)
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=datetime.UTC)


def url(data: dict, key: str) -> str:
    value = text(data, key, URL_MAX_LENGTH + 1)
    if len(value) > URL_MAX_LENGTH or not value.startswith(("https://", "http://")):
        return ""
    return value


def qr_png(data: dict) -> bytes | None:
    """The pass image from ``qrImageBase64`` (kept by the portal; ``qrImageUrl`` is never fetched)."""
    value = data.get("qrImageBase64")
    if not isinstance(value, str) or not value:
        return None
    if value.startswith("data:"):
        value = value.partition(",")[2]
    try:
        image = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        logger.warning("qrImageBase64 is not base64: image ignored")
        return None
    if not image.startswith(PNG_SIGNATURE) or len(image) > QR_MAX_BYTES:
        logger.warning("qrImageBase64 is not a PNG of at most %s bytes: image ignored", QR_MAX_BYTES)
        return None
    return image


def partner_status(data: dict) -> tuple[str, PermitStatus | None]:
    """Buzz-In's status label (as stored on the permit) and the terminal portal status it means, if any."""
    label, number = text(data, "statusName", 32), data.get("status")
    if not label and number is None:
        return "", None
    name = status_name(number if type(number) is int else None, label)  # the client's one reading of statuses
    return name, TERMINAL_STATUS_NAMES.get(name)
