"""Celery tasks of the webhook receiver: process one stored event; re-enqueue what a broker outage left behind."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from ..broker import hand_over
from ..models import InboundEvent, InboundEventState
from .processing import inbound_event_process

logger = logging.getLogger(__name__)

WEBHOOK_TASK_NAME = "integrations.webhook_process"
RELAY_AFTER = datetime.timedelta(minutes=1)
RELAY_BATCH = 500


@shared_task(name=WEBHOOK_TASK_NAME, acks_late=True, ignore_result=True)
def webhook_process_task(inbound_event_id: int) -> str:
    """Safe to run twice: the event's state, read under a row lock, says whether it is still to do."""
    return inbound_event_process(inbound_event_id).state


@shared_task(name="integrations.webhook_relay", ignore_result=True)
def webhook_relay_task() -> int:
    """Hand to the workers again every event still received a minute after it came in."""
    cutoff = timezone.now() - RELAY_AFTER
    pending = InboundEvent.objects.filter(state=InboundEventState.RECEIVED, received_at__lt=cutoff)
    ids = list(pending.order_by("id").values_list("pk", flat=True)[:RELAY_BATCH])
    sent = sum(webhook_dispatch(pk) for pk in ids)
    if ids:
        logger.info("webhook relay: %s of %s waiting events handed to the workers", sent, len(ids))
    return sent


def webhook_dispatch(inbound_event_id: int) -> bool:
    """Hand an event to the broker; on an outage the row stays received for the relay."""
    return hand_over(WEBHOOK_TASK_NAME, inbound_event_id)
