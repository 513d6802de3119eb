"""Every error of the API in the contract's shape: ``{"name": ..., "message": ..., "code": <status>}``.

Optional extras: ``errors`` (field → messages, camelCase field paths) and ``missing`` (what a submit
still lacks). Unexpected exceptions become a logged 500 in the same shape, never an HTML page.
"""

from __future__ import annotations

import logging
import math

from django.core.exceptions import NON_FIELD_ERRORS, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from .throttling import FailedAuthenticationsThrottled

logger = logging.getLogger(__name__)

ERROR_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    429: "TooManyRequests",
    500: "InternalServerError",
}


class Conflict(drf.APIException):
    status_code = 409
    default_detail = gettext_lazy("The record already exists.")
    default_code = "conflict"


class BadRequest(drf.APIException):
    """A 400 with a sentence and optional extras (e.g. ``missing``)."""

    status_code = 400
    default_code = "bad_request"

    def __init__(self, message: str, **extra):
        super().__init__(message)
        self.extra = extra


def error_body(status: int, message: str, **extra) -> dict:
    return {"name": ERROR_NAMES.get(status, "Error"), "message": message, "code": status, **extra}


def api_exception_handler(exc, context):
    status, message, extra, headers = describe(exc)
    set_rollback()
    return Response(error_body(status, message, **extra), status=status, headers=headers)


def not_found_view(request, *args, **kwargs):
    """Any path under /api/ that names no endpoint."""
    return JsonResponse(error_body(404, _("No endpoint at %(path)s.") % {"path": request.path}), status=404)


def describe(exc) -> tuple[int, str, dict, dict]:
    """(status, message, extra fields, headers) for any exception a view may raise."""
    if isinstance(exc, BadRequest):
        return 400, _text(exc.detail), exc.extra, {}
    if isinstance(exc, drf.ValidationError):
        errors = _flatten(exc.detail)
        return 400, _summary(errors), {"errors": errors}, {}
    if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        message = _text(exc.detail)
        if isinstance(exc, drf.NotAuthenticated):
            message = _("Send the API key as the header 'Authorization: Bearer <key>'.")
        return 401, message, {}, {"WWW-Authenticate": 'Bearer realm="api"'}
    if isinstance(exc, drf.Throttled):
        wait = max(1, math.ceil(exc.wait or 1))
        if isinstance(exc, FailedAuthenticationsThrottled):
            message = _("Too many failed authentications from this address; retry in %(wait)s s.") % {"wait": wait}
        else:
            message = _("Too many requests for this API key; retry in %(wait)s s.") % {"wait": wait}
        return 429, message, {}, {"Retry-After": str(wait)}
    if isinstance(exc, drf.UnsupportedMediaType):
        return 400, _("Send the body as JSON (Content-Type: application/json)."), {}, {}
    if isinstance(exc, drf.APIException):
        return exc.status_code, _text(exc.detail), {}, {}
    return _describe_django(exc)


def _describe_django(exc) -> tuple[int, str, dict, dict]:
    if isinstance(exc, Http404):
        return 404, str(exc) or _("Record not found."), {}, {}
    if isinstance(exc, DjangoValidationError):
        errors = _django_errors(exc)
        return 400, " ".join(message for messages in errors.values() for message in messages), {"errors": errors}, {}
    if isinstance(exc, IntegrityError):
        return 409, _("The change conflicts with an existing record."), {}, {}
    if isinstance(exc, DjangoPermissionDenied):
        return 403, _("Not allowed."), {}, {}
    if isinstance(exc, SuspiciousOperation):  # RequestDataTooBig and friends: the client's fault
        return 400, str(exc) or _("The request was refused."), {}, {}
    logger.exception("API request failed", exc_info=exc)
    return 500, _("The request could not be completed; it has been logged."), {}, {}


def _text(detail) -> str:
    if isinstance(detail, (list, dict)):
        return _summary(_flatten(detail))
    return str(detail)


def _flatten(detail, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"noc.nocNumber": [...], "employees[0].name": [...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):
                child = f"{path}[{key}]"
            elif key in ("non_field_errors", NON_FIELD_ERRORS):
                child = path
            else:
                child = f"{path}.{key}" if path else str(key)
            _merge(flat, _flatten(value, child))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, (dict, list)):
                _merge(flat, _flatten(value, f"{path}[{index}]"))
            else:
                flat.setdefault(path, []).append(str(value))
    else:
        flat.setdefault(path, []).append(str(detail))
    return flat


def _merge(into: dict[str, list[str]], other: dict[str, list[str]]) -> None:
    for key, messages in other.items():
        into.setdefault(key, []).extend(messages)


def _summary(errors: dict[str, list[str]]) -> str:
    parts = [f"{path}: {message}" if path else message for path, messages in errors.items() for message in messages]
    return " ".join(parts) or _("The request is not valid.")


def _django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {_camel(field): list(messages) for field, messages in exc.message_dict.items()}
    return {"": list(exc.messages)}


def _camel(field: str) -> str:
    if field == NON_FIELD_ERRORS:
        return ""
    head, *rest = field.split("_")
    return head + "".join(part.title() for part in rest)
