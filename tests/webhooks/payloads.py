"""Buzz-In webhook payloads shaped as the contract publishes them (envelope + data), built around real rows.

``CAPTURED_ISSUED`` is a complete ``passes.permits.issued`` delivery as Buzz-In sends it; the builders below
produce the same shapes for the permits and contractors a test creates.
"""

from __future__ import annotations

import base64
import datetime
import json
import secrets
import uuid

from django.utils import timezone

from portal.integrations.buzzin.records import contractor_buzzin_id, permit_buzzin_id
from tests.factories import PNG_BYTES

QR_BASE64 = base64.b64encode(PNG_BYTES).decode()

CAPTURED_ISSUED = {
    "id": "evt_6651f0c2a9e4b3001f2d7c41",
    "event": "passes.permits.issued",
    "communityId": "64f1a2b3c4d5e6f708192a3b",
    "createdAt": "2026-07-01T06:00:00.000Z",
    "data": {
        "permitId": "6651efb9a9e4b3001f2d7c3a",
        "passNumber": "WP-002391",
        "status": 1,
        "statusName": "ACCEPTED",
        "type": "permits",
        "permitType": "buildUp",
        "communityId": "64f1a2b3c4d5e6f708192a3b",
        "propertyId": "64f1a2b3c4d5e6f708192a40",
        "flatId": "64f1a2b3c4d5e6f708192a55",
        "communityContractorId": "6651ee01a9e4b3001f2d7c10",
        "salesforceId": "a1P5g000000XYZWEAW",
        "validFrom": "2026-07-01T04:00:00.000Z",
        "validTill": "2026-07-30T14:00:00.000Z",
        "accessCode": "7H2KQ9ZTM4XB1RPA8VC0DLEN",
        "qrToken": "qr_9c1f4e2b7a6d",
        "qrImageBase64": QR_BASE64,
        "qrImageUrl": "https://cdn.buzz-in.co/passes/6651efb9a9e4b3001f2d7c3a/qr.png",
        "permitDocumentationUrl": "https://cdn.buzz-in.co/passes/6651efb9a9e4b3001f2d7c3a/permit.pdf",
    },
}


def object_id() -> str:
    return secrets.token_hex(12)


def iso(moment: datetime.datetime) -> str:
    """Buzz-In's date-time format: UTC with milliseconds."""
    moment = moment.astimezone(datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def ago(seconds: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def envelope(event: str, data: dict, *, community_id: str = "", created_at=None, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex}",
        "event": event,
        "communityId": community_id,
        "createdAt": iso(created_at or timezone.now()),
        "data": data,
    }


def encode(body) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def issued_data(permit, **overrides) -> dict:
    """Every field the contract publishes for ``passes.permits.issued``."""
    buzzin_id = permit_buzzin_id(permit) or object_id()
    data = {
        "permitId": buzzin_id,
        "passNumber": permit.pass_number or "WP-002391",
        "status": 1,
        "statusName": "ACCEPTED",
        "type": "permits",
        "permitType": "buildUp",
        "communityId": permit.community.buzzin.buzzin_id,
        "propertyId": object_id(),
        "flatId": object_id(),
        "communityContractorId": object_id(),
        "salesforceId": permit.reference,
        "validFrom": iso(permit.valid_from),
        "validTill": iso(permit.valid_till),
        "accessCode": permit.access_code or "7H2KQ9ZTM4XB1RPA8VC0DLEN",
        "qrToken": f"qr_{secrets.token_hex(6)}",
        "qrImageBase64": QR_BASE64,
        "qrImageUrl": f"https://cdn.buzz-in.co/passes/{buzzin_id}/qr.png",
        "permitDocumentationUrl": permit.pass_documentation_url
        or f"https://cdn.buzz-in.co/passes/{buzzin_id}/permit.pdf",
    }
    data.update(overrides)
    return data


def updated_data(permit, **overrides) -> dict:
    """The issued shape without the image (as Buzz-In sends after a validity change or an archive)."""
    data = issued_data(permit)
    del data["qrImageBase64"]
    data.update(overrides)
    return data


def dead_pass_data(permit, status_name: str, reason: str = "") -> dict:
    data = updated_data(permit, statusName=status_name, status={"REVOKED": 3, "ARCHIVED": 4}.get(status_name, 5))
    for key in ("accessCode", "qrToken", "qrImageUrl"):
        del data[key]
    if reason:
        data["reason"] = reason
    return data


def validity_data(permit, valid_till=None) -> dict:
    return {"permitId": permit_buzzin_id(permit), "validTill": iso(valid_till or permit.valid_till)}


def scan_data(permit, scanned_at, *, direction="entry", gate="Main Gate", employee_name="Ravi Kumar") -> dict:
    data = {"permitId": permit_buzzin_id(permit), "scannedAt": iso(scanned_at), "direction": direction, "gate": gate}
    if employee_name:
        data["employeeName"] = employee_name
    return data


def contractor_data(membership, buzzin_id: str | None = None) -> dict:
    return {
        "communityContractorId": buzzin_id or contractor_buzzin_id(membership.contractor_id) or object_id(),
        "salesforceId": membership.contractor.reference,
    }


def permit_event(event: str, permit, data: dict, **kwargs) -> dict:
    return envelope(event, data, community_id=permit.community.buzzin.buzzin_id, **kwargs)
