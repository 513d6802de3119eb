"""Handing deliveries to the broker. A broker outage is never an error: the relay sends the row later."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..broker import hand_over
from . import selectors
from .models import DeliveryState, OutboundDelivery

DELIVERY_TASK_NAME = "integrations.delivery_send"
# At most this many rows of one transaction are handed over at commit; the relay sends the rest.
DISPATCH_LIMIT = 500


def dispatch(delivery_id: int, countdown: float | None = None) -> bool:
    """Queue ``integrations.delivery_send`` for the row; False when dispatch is off or the broker is down.

    A task the broker took is noted on the row (``dispatched_at``, when it is due at a worker): the relay does
    not hand the row over again while that task may still be queued behind others. The note is written before
    the task is published: written after, its row lock could still be held when a fast worker claims the row
    (``skip_locked``), and that worker would skip a row no task would ever send again.
    """
    if not settings.OUTBOX_DISPATCH:
        return False
    due = timezone.now() + datetime.timedelta(seconds=countdown if countdown and countdown > 0 else 0)
    OutboundDelivery.objects.filter(pk=delivery_id).update(dispatched_at=due)
    if not hand_over(DELIVERY_TASK_NAME, delivery_id, countdown=countdown):
        # Whatever task went before, the relay must not wait for it: this hand-over is the one that counts.
        OutboundDelivery.objects.filter(pk=delivery_id).update(dispatched_at=None)
        return False
    return True


def dispatch_many(delivery_ids: list[int]) -> int:
    """Hand rows over in order, stopping at the first broker failure; returns how many went.

    Only rows first open in their sequence go: a row behind another is handed over when that one succeeds
    (``dispatch_next``), and its own task would only be skipped, or find it done (a third of a busy worker's
    tasks in the fault run). Read after the commit, so no row falls between: if its predecessor's success was
    not visible here, this row was visible to that success's ``dispatch_next``.
    """
    heads = set(selectors.heads_among(delivery_ids[:DISPATCH_LIMIT]))
    sent = 0
    for delivery_id in [pk for pk in delivery_ids[:DISPATCH_LIMIT] if pk in heads]:
        if not dispatch(delivery_id):
            break
        sent += 1
    return sent


def dispatch_on_commit(delivery_id: int, countdown: float | None = None) -> None:
    transaction.on_commit(lambda: dispatch(delivery_id, countdown))


def dispatch_next_on_commit(sequence_key: str) -> None:
    """Once this transaction commits, send the row that was waiting behind the one just completed."""
    transaction.on_commit(lambda: dispatch_next(sequence_key))


def dispatch_next(sequence_key: str) -> int | None:
    head = selectors.first_open_in_sequence(sequence_key)
    if head is None or head.state != DeliveryState.PENDING:
        return None
    wait = (head.next_attempt_at - timezone.now()).total_seconds() if head.next_attempt_at else 0.0
    dispatch(head.pk, countdown=wait if wait > 0 else None)
    return head.pk
