"""Celery tasks of the outbox: thin wrappers, the work is in ``sender`` and ``services``."""

from __future__ import annotations

from celery import shared_task

from .dispatch import DELIVERY_TASK_NAME
from .sender import delivery_send
from .services import delivery_relay

RELAY_TASK_NAME = "integrations.delivery_relay"


@shared_task(name=DELIVERY_TASK_NAME, bind=True)
def delivery_send_task(self, delivery_id: int) -> str:
    """Send one outbox row; safe to run twice (``acks_late``): a finished row is left alone."""
    return delivery_send(int(delivery_id))


@shared_task(name=RELAY_TASK_NAME)
def delivery_relay_task() -> dict[str, int]:
    """Every 30 s (``portal.integrations.schedules``): re-dispatch due rows, reclaim lost sends."""
    return delivery_relay().as_dict()
