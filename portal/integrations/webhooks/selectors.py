"""Reads of the stored webhook events for the relay and for monitoring (``portal.ops.metrics``).

Each reads the events still to do or failed through their partial index (``inbound_open_idx``), never the
whole inbox, which keeps every event ever received.
"""

from __future__ import annotations

import datetime

from django.db.models import Min, QuerySet

from ..models import InboundEvent, InboundEventState


def events_waiting() -> QuerySet:
    """Events received and not processed yet."""
    return InboundEvent.objects.filter(state=InboundEventState.RECEIVED)


def events_to_relay(received_before: datetime.datetime) -> QuerySet:
    """Events still waiting that came in before ``received_before``, oldest first (the relay hands them over)."""
    return events_waiting().filter(received_at__lt=received_before).order_by("id")


def inbound_waiting() -> tuple[int, datetime.datetime | None]:
    """Events received and not yet processed: how many, and when the oldest of them came in."""
    waiting = events_waiting()
    summary = waiting.aggregate(oldest=Min("received_at"))
    return waiting.count(), summary["oldest"]


def events_failed() -> QuerySet:
    """Events whose processing failed (a person looks at them in the admin)."""
    return InboundEvent.objects.filter(state=InboundEventState.FAILED)


def inbound_failed_count() -> int:
    return events_failed().count()
