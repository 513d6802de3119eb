"""What one send of a delivery came to, before the sender turns it into the row's next state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from portal.integrations.http import CallRecord, PartnerError

SUCCEEDED = "succeeded"
RETRY = "retry"  # a transient failure: try again with backoff, counts against DELIVERY_MAX_ATTEMPTS
WAIT = "wait"  # the partner is not ready yet (e.g. a contractor not approved there): try later, not a failure
FAILED = "failed"  # retrying cannot help: an admin must act
CONTINUED = "continued"  # an attempt row's outcome: its call led to another call of the same send (409 → lookup)

# error_kind values the sender sets beside the partner errors' own kinds
CONFIGURATION = "configuration"
PAYLOAD = "payload"
MISSING_ID = "missing_id"
TARGET_MISSING = "target_missing"
INTERNAL = "internal"
APPLY = "apply"


class PayloadError(Exception):
    """The portal cannot build the request (a document missing from storage, no parking zone...)."""

    def __init__(self, message: str, *, kind: str = PAYLOAD):
        super().__init__(message)
        self.message = message
        self.kind = kind


@dataclass
class Outcome:
    state: str
    calls: list[CallRecord] = field(default_factory=list)
    message: str = ""
    error_kind: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    retry_after: float | None = None
    apply: Callable[[], None] | None = None  # the domain write, run in the transaction that records the send


def succeeded(calls: list[CallRecord], result: dict | None = None, apply: Callable[[], None] | None = None) -> Outcome:
    return Outcome(SUCCEEDED, calls=list(calls), result=result or {}, apply=apply)


def failed(message: str, kind: str, calls: list[CallRecord] = ()) -> Outcome:
    return Outcome(FAILED, calls=list(calls), message=message, error_kind=kind)


def waiting(message: str, calls: list[CallRecord] = ()) -> Outcome:
    return Outcome(WAIT, calls=list(calls), message=message, error_kind="waiting")


def from_transient(error: PartnerError, calls: list[CallRecord], message: str = "") -> Outcome:
    return Outcome(
        RETRY, calls=calls, message=message or error.message, error_kind=error.kind, retry_after=error.retry_after
    )


def idempotency_key(delivery_id: int, suffix: str = "") -> str:
    """``delivery-42``: the same on every try of a row, so a partner can recognise a repeat."""
    return f"delivery-{delivery_id}{':' + suffix if suffix else ''}"
