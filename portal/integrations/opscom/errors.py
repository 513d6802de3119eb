"""OPS-COM error codes: one table from code to the exception the client raises and the portal's reaction.

Reactions (what the delivery layer and the admin do with a failed call):

- ``configuration``: client code or token is wrong; do not retry, alert an admin.
- ``bug``: we sent something OPS-COM could not parse or lacked a field we always send; do not retry,
  keep the payload for inspection.
- ``validation``: the data itself was refused; do not retry, show the message.
- ``not_found``: the reference is unknown; on update push the permit anew, on delete treat it as done.
- ``already_done``: OPS-COM already holds this record; treat as done and let reconciliation check it.
- ``retry``: no OPS-COM error code at all (timeout, connection error, 5xx, 429); retry with backoff.
"""

from __future__ import annotations

from typing import NamedTuple

from portal.integrations.http import (
    BadRequest,
    CallRecord,
    ConfigurationError,
    Conflict,
    NotFound,
    PartnerError,
)

CONFIGURATION = "configuration"
BUG = "bug"
VALIDATION = "validation"
NOT_FOUND = "not_found"
ALREADY_DONE = "already_done"
RETRY = "retry"
REACTIONS = (CONFIGURATION, BUG, VALIDATION, NOT_FOUND, ALREADY_DONE, RETRY)


class ErrorRule(NamedTuple):
    exception: type[PartnerError]
    reaction: str
    meaning: str


ERROR_TABLE: dict[int, ErrorRule] = {
    9000: ErrorRule(ConfigurationError, CONFIGURATION, "client code missing"),
    9001: ErrorRule(ConfigurationError, CONFIGURATION, "API token missing"),
    9002: ErrorRule(ConfigurationError, CONFIGURATION, "token lacks permission for this request"),
    9003: ErrorRule(BadRequest, BUG, "request could not be parsed"),
    9004: ErrorRule(BadRequest, VALIDATION, "end time required"),
    9005: ErrorRule(BadRequest, VALIDATION, "end time invalid"),
    9006: ErrorRule(BadRequest, VALIDATION, "plate required"),
    9007: ErrorRule(BadRequest, VALIDATION, "start time invalid"),
    9008: ErrorRule(BadRequest, BUG, "reference id required"),
    9009: ErrorRule(NotFound, NOT_FOUND, "record not found"),
    9010: ErrorRule(BadRequest, VALIDATION, "plate type required"),
    9011: ErrorRule(BadRequest, VALIDATION, "province/state required"),
    9012: ErrorRule(Conflict, ALREADY_DONE, "vehicle already in the database"),
    9021: ErrorRule(BadRequest, VALIDATION, "plate longer than 50 characters"),
    9022: ErrorRule(Conflict, ALREADY_DONE, "a record already exists with these details"),
    9030: ErrorRule(BadRequest, VALIDATION, "a field is too long"),
    9031: ErrorRule(BadRequest, VALIDATION, "a field is required"),
    9032: ErrorRule(BadRequest, VALIDATION, "a field is too short"),
    9033: ErrorRule(BadRequest, VALIDATION, "a field's value is invalid"),
}

# 9013-9020 belong to the user profile push API, which the portal never calls: one of them means we
# called the wrong thing.
ERROR_TABLE.update({code: ErrorRule(BadRequest, BUG, "user profile push error") for code in range(9013, 9021)})

UNKNOWN_CODE_RULE = ErrorRule(BadRequest, BUG, "unknown OPS-COM error code")


def parse_code(code: int | str | None) -> int | str | None:
    """OPS-COM sends the code as a number; accept a numeric string too, keep anything else as given."""
    if isinstance(code, bool):
        return str(code)
    if isinstance(code, int) or code is None:
        return code
    text = str(code).strip()
    return int(text) if text.isdigit() else text


def rule_for(code: int | str | None) -> ErrorRule:
    parsed = parse_code(code)
    if isinstance(parsed, int):
        return ERROR_TABLE.get(parsed, UNKNOWN_CODE_RULE)
    return UNKNOWN_CODE_RULE


def reaction_for(code_or_error: int | str | PartnerError | None) -> str:
    """The portal's reaction to an OPS-COM error code, or to an error raised by the client.

    Pass the exception when you have one: an error without a code is ``retry`` when it is
    retryable and ``bug`` otherwise (e.g. a 400 without an OPS-COM body). A bare ``None`` code
    means "no OPS-COM answer at all" and gives ``retry``.
    """
    if isinstance(code_or_error, PartnerError):
        return _reaction_for_error(code_or_error)
    if code_or_error is None:
        return RETRY
    return rule_for(code_or_error).reaction


def _reaction_for_error(error: PartnerError) -> str:
    reaction = getattr(error, "reaction", None)
    if reaction:
        return reaction
    if error.code is not None:
        return rule_for(error.code).reaction
    return RETRY if error.retryable else BUG


def error_for_code(
    code: int | str | None,
    message: str,
    *,
    call: CallRecord | None = None,
    status_code: int | None = None,
) -> PartnerError:
    """Build (not raise) the typed error for an OPS-COM error body, with ``.code`` and ``.reaction`` set."""
    parsed = parse_code(code)
    rule = rule_for(parsed)
    error = rule.exception(message, call=call, status_code=status_code, code=parsed)
    error.reaction = rule.reaction
    return error
