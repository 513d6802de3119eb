"""Validation of request bodies, as the contract states it. Every failure is a 400 ``ApiError``."""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from .errors import bad_request
from .model import Noc

CDN_BASE = "https://cdn.buzz-in.test"
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
TEXT_FIELDS = {
    "timeIn": "time_in",
    "timeOut": "time_out",
    "representativeName": "representative_name",
    "representativeContact": "representative_contact",
    "permitType": "permit_type",
    "jobsSummary": "jobs_summary",
}
SUBMIT_PREREQUISITES = ("validFrom", "validTill", "timeIn", "timeOut", "representativeName", "representativeContact")


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_datetime(value: Any, field_name: str) -> datetime:
    """An ISO 8601 date-time with a zone ("...Z" with or without milliseconds, or an offset)."""
    if not isinstance(value, str) or not ISO_DATETIME.match(value):
        raise bad_request(f"{field_name} must be an ISO 8601 date-time such as 2026-07-01T06:00:00.000Z")
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except ValueError:
        raise bad_request(f"{field_name} is not a valid date-time") from None


def parse_date(value: Any, field_name: str) -> str:
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise bad_request(f"{field_name} must be a date YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise bad_request(f"{field_name} is not a valid date") from None
    return value


def check_validity_window(valid_from: datetime, valid_till: datetime, now: datetime) -> None:
    if valid_till <= now:
        raise bad_request("validTill must be in the future")
    if valid_till < valid_from:
        raise bad_request("validTill must not be before validFrom")


def require_fields(body: dict[str, Any], paths: tuple[str, ...]) -> None:
    missing = [path for path in paths if _blank(_lookup(body, path))]
    if missing:
        raise bad_request(f"Missing required fields: {', '.join(missing)}")


def require_text(value: Any, field_name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"{field_name} is required")
    return value.strip()


def require_phone(value: Any) -> str:
    phone = require_text(value, "phone")
    if not E164.match(phone):
        raise bad_request("phone must be in E.164 format, e.g. +971501234567")
    return phone


def optional_text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"{key} must be a string")
    return value.strip() or None


def parse_permit_details(body: dict[str, Any]) -> dict[str, Any]:
    """The DECISION fields (times, representative, workers, vehicles, type, summary) present in ``body``."""
    details: dict[str, Any] = {}
    for key, attribute in TEXT_FIELDS.items():
        if key in body:
            details[attribute] = optional_text(body, key)
    for key in ("timeIn", "timeOut"):
        value = details.get(TEXT_FIELDS[key])
        if value is not None and not TIME_OF_DAY.match(value):
            raise bad_request(f"{key} must be a time HH:MM")
    if "employees" in body:
        details["employees"] = parse_employees(body["employees"])
    if "vehicles" in body:
        details["vehicles"] = parse_vehicles(body["vehicles"])
    return details


def parse_employees(value: Any) -> list[dict[str, Any]]:
    items = _list_of_objects(value, "employees")
    for index, item in enumerate(items):
        require_text(item.get("name"), f"employees[{index}].name")
    return [{key: item.get(key) for key in ("name", "idNumber", "phone")} for item in items]


def parse_vehicles(value: Any) -> list[dict[str, Any]]:
    items = _list_of_objects(value, "vehicles")
    for index, item in enumerate(items):
        require_text(item.get("plate"), f"vehicles[{index}].plate")
    return [{"plate": item["plate"].strip()} for item in items]


def missing_for_submit(fields: dict[str, Any], employees: list[dict[str, Any]]) -> list[str]:
    missing = [name for name in SUBMIT_PREREQUISITES if _blank(fields.get(name))]
    if not employees:
        missing.append("employees (at least one)")
    return missing


def parse_noc(value: Any, community_id: str) -> Noc:
    if not isinstance(value, dict):
        raise bad_request("noc must be an object")
    noc = Noc(public_url=stored_file_url(value, "noc", community_id))
    noc.noc_number = optional_text(value, "nocNumber")
    for key, attribute in (("issueDate", "issue_date"), ("expiryDate", "expiry_date")):
        if value.get(key) is not None:
            setattr(noc, attribute, parse_date(value[key], f"noc.{key}"))
    noc.file_name = value.get("fileName") if isinstance(value.get("fileName"), str) else None
    return noc


def stored_file_url(descriptor: Any, field_name: str, community_id: str) -> str:
    """Validate a file descriptor and answer the public URL Buzz-In keeps for it."""
    if not isinstance(descriptor, dict):
        raise bad_request(f"{field_name} must be a file descriptor")
    kind = descriptor.get("type")
    if kind == "url":
        url = descriptor.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise bad_request(f"{field_name}.url must be an http(s) URL")
        return url
    if kind == "base64":
        _decode_base64(descriptor.get("data"), f"{field_name}.data")
        file_name = descriptor.get("fileName") if isinstance(descriptor.get("fileName"), str) else "document"
        return f"{CDN_BASE}/{community_id}/{field_name}/{uuid.uuid4().hex}/{_safe_file_name(file_name)}"
    raise bad_request(f"{field_name}.type must be 'url' or 'base64'")


def _decode_base64(value: Any, field_name: str) -> bytes:
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"{field_name} is required")
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise bad_request(f"{field_name} is not valid base64") from None


def _safe_file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "document"


def _list_of_objects(value: Any, field_name: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise bad_request(f"{field_name} must be a list of objects")
    return value


def _lookup(body: dict[str, Any], dotted_path: str) -> Any:
    value: Any = body
    for part in dotted_path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []
