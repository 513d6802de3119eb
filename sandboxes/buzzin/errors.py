"""Errors the sandbox answers, in Buzz-In's body shape ``{"name", "message", "code"}``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

ERROR_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    503: "ServiceUnavailable",
}


class ApiError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message)


def error_body(code: int, message: str) -> dict[str, Any]:
    return {"name": ERROR_NAMES.get(code, "Error"), "message": message, "code": code}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def conflict(message: str) -> ApiError:
    return ApiError(409, message)


@dataclass
class Outcome:
    """A successful answer; ``applied`` tells the idempotency accounting whether state changed."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)
    applied: bool = False


def parse_json_object(raw_body: bytes) -> dict[str, Any]:
    """The request body as a JSON object; an empty body is ``{}``."""
    if not raw_body.strip():
        return {}
    try:
        body = json.loads(raw_body)
    except (UnicodeDecodeError, ValueError):
        raise bad_request("Body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("Body must be a JSON object")
    return body
