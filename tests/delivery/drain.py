"""Draining the outbox without a broker: the real sender, called in a loop, plays the worker."""

from __future__ import annotations

import time

from django.db.models import Exists, OuterRef
from django.utils import timezone

from portal.integrations.delivery import selectors
from portal.integrations.delivery.models import OPEN_DELIVERY_STATES, OutboundDelivery
from portal.integrations.delivery.sender import delivery_send


def open_rows(subscriber: str | None = None):
    rows = OutboundDelivery.objects.filter(state__in=OPEN_DELIVERY_STATES)
    return rows.filter(subscriber=subscriber) if subscriber else rows


def moving_rows(subscriber: str | None = None):
    """Open rows that can still move without an admin: neither failed nor held back behind a failed row."""
    behind_failed = OutboundDelivery.objects.filter(
        sequence_key=OuterRef("sequence_key"), pk__lt=OuterRef("pk"), state="failed"
    )
    return open_rows(subscriber).exclude(state="failed").exclude(Exists(behind_failed))


def drain_outbox(subscriber: str | None = None, *, timeout: float = 20.0) -> list[str]:
    """Send due rows (first open in their sequence) until none can move; returns what each send became."""
    outcomes: list[str] = []
    deadline = time.monotonic() + timeout
    while moving_rows(subscriber).exists():
        due = selectors.due_heads(timezone.now())
        if subscriber:
            due = due.filter(subscriber=subscriber)
        ids = list(due.values_list("pk", flat=True))
        for delivery_id in ids:
            outcomes.append(delivery_send(delivery_id))
        if time.monotonic() > deadline:
            still = list(open_rows(subscriber).values("id", "operation", "state", "last_error"))
            raise AssertionError(f"outbox not drained in {timeout}s: {still}")
        if not ids:
            time.sleep(0.05)
    return outcomes
