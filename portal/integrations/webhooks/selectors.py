"""Reads of the stored webhook events for monitoring (``portal.ops.metrics``)."""

from __future__ import annotations

import datetime

from django.db.models import Min

from ..models import InboundEvent, InboundEventState


def inbound_waiting() -> tuple[int, datetime.datetime | None]:
    """Events received and not yet processed: how many, and when the oldest of them came in."""
    waiting = InboundEvent.objects.filter(state=InboundEventState.RECEIVED)
    summary = waiting.aggregate(oldest=Min("received_at"))
    return waiting.count(), summary["oldest"]


def inbound_failed_count() -> int:
    return InboundEvent.objects.filter(state=InboundEventState.FAILED).count()
