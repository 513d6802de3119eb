"""Celery tasks of the webhook receiver: process one stored event; re-enqueue what a broker outage left behind."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from ..models import InboundEvent, InboundEventState
from .processing import inbound_event_process

logger = logging.getLogger(__name__)

RELAY_AFTER = datetime.timedelta(minutes=1)
RELAY_BATCH = 500


@shared_task(name="integrations.webhook_process", acks_late=True, ignore_result=True)
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
    """Hand an event to the broker. A broker outage is not an error: the row stays received for the relay."""
    try:
        webhook_process_task.delay(inbound_event_id)
    except Exception as exc:
        logger.warning("broker unavailable, webhook event %s left for the relay: %s", inbound_event_id, exc)
        return False
    return True
