"""Celery tasks of the webhook receiver: process one stored event; re-enqueue what a broker outage left behind."""

from __future__ import annotations

import datetime
import logging

from celery import current_app, shared_task
from django.conf import settings
from django.utils import timezone

from ..broker import HandOverThread, hand_over
from .processing import inbound_event_process
from .selectors import events_to_relay

logger = logging.getLogger(__name__)

WEBHOOK_TASK_NAME = "integrations.webhook_process"
WEBHOOK_BATCH_TASK_NAME = "integrations.webhook_process_batch"
RELAY_AFTER = datetime.timedelta(minutes=1)
RELAY_BATCH = 500


@shared_task(name=WEBHOOK_TASK_NAME, acks_late=True, ignore_result=True)
def webhook_process_task(inbound_event_id: int) -> str:
    """Safe to run twice: the event's state, read under a row lock, says whether it is still to do."""
    return inbound_event_process(inbound_event_id).state


@shared_task(name=WEBHOOK_BATCH_TASK_NAME, acks_late=True, ignore_result=True)
def webhook_process_batch_task(inbound_event_ids: list[int]) -> int:
    """Events a web process handed over together (``HandOverThread``), each processed as
    ``webhook_process_task`` would; one that fails holds back none of the others (it stays for the relay)."""
    done = 0
    for inbound_event_id in inbound_event_ids:
        try:
            inbound_event_process(inbound_event_id)
        except Exception:
            logger.exception("webhook %s of a batch failed; left for the relay", inbound_event_id)
        else:
            done += 1
    return done


@shared_task(name="integrations.webhook_relay", ignore_result=True)
def webhook_relay_task() -> int:
    """Hand to the workers again every event still received a minute after it came in."""
    ids = list(events_to_relay(timezone.now() - RELAY_AFTER).values_list("pk", flat=True)[:RELAY_BATCH])
    sent = sum(hand_over(WEBHOOK_TASK_NAME, pk) for pk in ids)
    if ids:
        logger.info("webhook relay: %s of %s waiting events handed to the workers", sent, len(ids))
    return sent


_background = HandOverThread(WEBHOOK_TASK_NAME, WEBHOOK_BATCH_TASK_NAME)


def webhook_dispatch(inbound_event_id: int) -> bool:
    """Hand a committed event to the workers. From a web process (``WEBHOOK_HANDOVER_IN_BACKGROUND``) through the
    hand-over thread, so the answer never waits on the broker; otherwise (tests, eager tasks) here and now.
    Either way, on a broker outage the row stays received for the relay."""
    if settings.WEBHOOK_HANDOVER_IN_BACKGROUND and not current_app.conf.task_always_eager:
        _background.put(inbound_event_id)
        return True
    return hand_over(WEBHOOK_TASK_NAME, inbound_event_id)
