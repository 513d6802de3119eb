"""Send one outbox row: claim it in a short transaction, call the partner outside any transaction,
then record the attempt and apply the answer in a new transaction.

- A row already succeeded or failed is left alone (redelivery of the task is harmless, ``acks_late``).
- A row whose sequence has an earlier open row waits: it is dispatched when that one succeeds.
- Transient failures go back to pending with backoff; the rest fail with their reason for the admin.
"""

from __future__ import annotations

import datetime
import logging
import traceback
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.utils import timezone

from portal.core.events import subscriber_named
from portal.integrations.http import PartnerError, redact

from . import policy, selectors
from .dispatch import dispatch, dispatch_next_on_commit, dispatch_on_commit
from .models import DeliveryAttempt, DeliveryState, OutboundDelivery
from .outcome import (
    APPLY,
    CONTINUED,
    FAILED,
    INTERNAL,
    RETRY,
    SUCCEEDED,
    TARGET_MISSING,
    WAIT,
    Outcome,
    PayloadError,
    failed,
)
from .subscriber import DeliverySubscriber

logger = logging.getLogger(__name__)


@dataclass
class Claim:
    delivery: OutboundDelivery
    attempt: int  # attempt_count after the claim: the record step checks nobody claimed the row since


def delivery_send(delivery_id: int) -> str:
    """Send the row if it may go now; returns what became of it (for logs and tests)."""
    claim, reason = claim_delivery(delivery_id)
    if claim is None:
        logger.debug("delivery %s not sent: %s", delivery_id, reason)
        if reason.startswith(NOT_DUE):  # a task that came early: send it again for when the row is due
            redispatch_when_due(delivery_id)
        return f"skipped: {reason}"
    started_at = timezone.now()
    target, outcome = perform(claim.delivery)
    return record(claim, target, outcome, started_at)


# 1. Claim

NOT_DUE = "not due before"


def redispatch_when_due(delivery_id: int) -> None:
    row = OutboundDelivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).only("next_attempt_at").first()
    if row is not None and row.next_attempt_at is not None:
        dispatch(delivery_id, countdown=max((row.next_attempt_at - timezone.now()).total_seconds(), 0.0))


def claim_delivery(delivery_id: int) -> tuple[Claim | None, str]:
    now = timezone.now()
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery is None:
            return None, "locked by another worker, or gone"
        reason = _not_ready(delivery, now)
        if reason:
            return None, reason
        delivery.state = DeliveryState.SENDING
        delivery.attempt_count += 1
        delivery.save(update_fields=["state", "attempt_count", "updated_at"])
    return Claim(delivery, delivery.attempt_count), ""


def _locked(delivery_id: int) -> OutboundDelivery | None:
    """The row, locked, with ``earlier_open_id`` (its sequence's first open row before it) read in the same
    statement: the check of the order costs no round trip of its own."""
    rows = OutboundDelivery.objects.filter(pk=delivery_id).annotate(earlier_open_id=selectors.first_earlier_open_id())
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    # SQLite has no row locks: its IMMEDIATE transactions let one writer in at a time.
    return rows.first()


def _not_ready(delivery: OutboundDelivery, now: datetime.datetime) -> str:
    if delivery.state in (DeliveryState.SUCCEEDED, DeliveryState.FAILED):
        return f"already {delivery.state}"
    if delivery.state == DeliveryState.SENDING:
        return "being sent by another worker"
    early = datetime.timedelta(seconds=policy.early_tolerance())
    if delivery.next_attempt_at and delivery.next_attempt_at > now + early:
        return f"{NOT_DUE} {delivery.next_attempt_at.isoformat()}"
    if delivery.earlier_open_id is not None:
        return f"waits for delivery #{delivery.earlier_open_id} of {delivery.sequence_key}"
    return ""


# 2. Call (no transaction)


def perform(delivery: OutboundDelivery) -> tuple[object | None, Outcome]:
    try:
        partner = channel(delivery)
    except LookupError as error:
        return None, failed(f"No subscriber {delivery.subscriber!r} is configured: {error}", INTERNAL)
    try:
        target = partner.load_target(delivery)
    except ObjectDoesNotExist:
        return None, failed(f"The {delivery.target_type} #{delivery.target_id} no longer exists.", TARGET_MISSING)
    try:
        return target, partner.send(delivery, target)
    except PayloadError as error:
        return target, failed(error.message, error.kind)
    except PartnerError as error:
        return target, partner.error_outcome(error, [error.call] if error.call else [])
    except Exception as error:  # a bug or a database hiccup: retried, and failed once tries run out
        _log_exception(delivery, "unexpected error")
        return target, Outcome(RETRY, message=f"Internal error: {type(error).__name__}: {error}", error_kind=INTERNAL)


# 3. Record


def record(claim: Claim, target, outcome: Outcome, started_at: datetime.datetime) -> str:
    secrets = _secrets(claim.delivery)
    outcome.message = redact(outcome.message, *secrets)
    with transaction.atomic():
        delivery = OutboundDelivery.objects.select_for_update().get(pk=claim.delivery.pk)
        if delivery.attempt_count != claim.attempt or delivery.state not in (
            DeliveryState.SENDING,
            DeliveryState.PENDING,
        ):
            _store_attempts(delivery, outcome, outcome.state, started_at, secrets, problem=outcome.message)
            logger.warning("delivery %s changed while it was sent; this answer is only recorded", delivery.pk)
            return "superseded"
        state = _settle(delivery, target, outcome)
        problem = "" if state == SUCCEEDED else delivery.last_error
        _store_attempts(delivery, outcome, state, started_at, secrets, problem=problem)
        delivery.save(update_fields=SETTLED_FIELDS)
    logger.info("delivery %s %s %s: %s", delivery.pk, delivery.subscriber, delivery.operation, state)
    return state


# Every field _settle may change: the rest of the row, read under the lock, stays as it is.
SETTLED_FIELDS = ["state", "result", "completed_at", "next_attempt_at", "last_error", "error_kind", "updated_at"]


def _settle(delivery: OutboundDelivery, target, outcome: Outcome) -> str:
    """Move the row to its next state from the outcome; returns the attempt's outcome name."""
    limits = policy.limits()
    if outcome.state == SUCCEEDED:
        return _succeed(delivery, target, outcome)
    if outcome.state == FAILED:
        return _fail(delivery, target, outcome.message, outcome.error_kind)
    waits = int(delivery.result.get("waits", 0)) if isinstance(delivery.result, dict) else 0
    if outcome.state == WAIT:
        waits += 1
        if waits > limits.wait_max_attempts:
            return _fail(delivery, target, f"Gave up waiting after {waits - 1} tries: {outcome.message}", "not_ready")
        delay = policy.backoff_delay(waits)
    else:
        failures = delivery.attempt_count - waits
        if failures >= limits.max_attempts:
            return _fail(delivery, target, f"Gave up after {failures} attempts: {outcome.message}", outcome.error_kind)
        delay = policy.backoff_delay(failures, retry_after=outcome.retry_after)
    delivery.result = {**(delivery.result or {}), "waits": waits}
    _reschedule(delivery, delay, outcome)
    return outcome.state


def _succeed(delivery: OutboundDelivery, target, outcome: Outcome) -> str:
    if outcome.apply is not None:
        try:
            with transaction.atomic():
                outcome.apply()
        except Exception as error:
            _log_exception(delivery, "the partner's answer could not be applied")
            delivery.result = outcome.result
            return _fail(delivery, None, f"The answer could not be applied: {type(error).__name__}: {error}", APPLY)
    delivery.state = DeliveryState.SUCCEEDED
    delivery.result = outcome.result
    delivery.completed_at = timezone.now()
    delivery.next_attempt_at = None
    delivery.last_error, delivery.error_kind = "", ""
    dispatch_next_on_commit(delivery.sequence_key)
    try:
        with transaction.atomic():
            channel(delivery).on_succeeded(delivery, target)
    except Exception:
        _log_exception(delivery, f"the success could not be noted on its {delivery.target_type}")
    return SUCCEEDED


def _fail(delivery: OutboundDelivery, target, message: str, kind: str) -> str:
    delivery.state = DeliveryState.FAILED
    delivery.next_attempt_at = None
    delivery.last_error, delivery.error_kind = message, kind or "error"
    try:
        with transaction.atomic():
            channel(delivery).on_failed(delivery, target, message)
    except Exception:
        _log_exception(delivery, f"the failure could not be noted on its {delivery.target_type}")
    return FAILED


def _reschedule(delivery: OutboundDelivery, delay: float, outcome: Outcome) -> None:
    delivery.state = DeliveryState.PENDING
    delivery.next_attempt_at = timezone.now() + datetime.timedelta(seconds=delay)
    delivery.last_error, delivery.error_kind = outcome.message, outcome.error_kind
    dispatch_on_commit(delivery.pk, countdown=delay)


def _store_attempts(
    delivery: OutboundDelivery,
    outcome: Outcome,
    state: str,
    started_at: datetime.datetime,
    secrets: tuple[str, ...],
    *,
    problem: str,
) -> None:
    """One attempt row per HTTP call of this send (at least one, so a send without a call shows why)."""
    calls = outcome.calls or [None]
    moment = started_at
    for index, call in enumerate(calls):
        last = index == len(calls) - 1
        attempt = DeliveryAttempt(delivery=delivery, started_at=moment, outcome=state if last else CONTINUED)
        if call is not None:
            attempt.duration_ms, attempt.status_code = call.duration_ms, call.status_code
            attempt.request_summary = redact(call.request_summary, *secrets)
            attempt.response_excerpt = redact(call.response_excerpt, *secrets)
            moment += datetime.timedelta(milliseconds=call.duration_ms)
        attempt.error = redact((call.error if call else "") or (problem if last else ""), *secrets)
        attempt.save()


def _log_exception(delivery: OutboundDelivery, what: str) -> None:
    """The traceback, with every credential removed (an exception message may quote one)."""
    logger.error("delivery %s: %s\n%s", delivery.pk, what, redact(traceback.format_exc(), *_secrets(delivery)))


def channel(delivery: OutboundDelivery) -> DeliverySubscriber:
    return subscriber_named(delivery.subscriber)


def _secrets(delivery: OutboundDelivery) -> tuple[str, ...]:
    """Every credential a message could carry; redacted from whatever is stored."""
    try:
        secrets = channel(delivery).secrets(delivery)
    except LookupError:
        return ()
    return tuple(secret for secret in secrets if secret and len(secret) >= 4)
