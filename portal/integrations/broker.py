"""Handing work to the broker. A broker outage is never an error: the row stays in the database and
a periodic relay hands it over again, so a request or a commit never waits on (or fails with) the broker."""

from __future__ import annotations

import logging
import math

from celery import current_app

logger = logging.getLogger(__name__)


def hand_over(task_name: str, row_id: int, *, countdown: float | None = None) -> bool:
    """Queue ``task_name(row_id)``; False (and a warning) when the broker cannot take it now."""
    seconds = broker_countdown(countdown)
    options = {"countdown": seconds} if seconds else {}
    try:
        if current_app.conf.task_always_eager:  # CELERY_TASK_ALWAYS_EAGER (debugging): run it here and now
            current_app.tasks[task_name].apply(args=[row_id])
        else:
            current_app.send_task(task_name, args=[row_id], **options)
    except Exception as exc:
        logger.warning("broker unavailable, %s %s left for the relay: %s", task_name, row_id, exc)
        return False
    return True


def broker_countdown(countdown: float | None) -> float | None:
    """The countdown to give the broker: never one that delivers the task before it is due.

    RabbitMQ's native delayed delivery (``portal.settings``, quorum queues) counts whole seconds and truncates:
    it refuses a countdown under 1 s and delivers a 1.9 s one after 1 s, early enough for the worker to skip
    the task as not due (found by the fault script, whose scaled backoff is mostly under a second). Rounded up
    there, a task comes at most a second late.
    """
    if not countdown or countdown <= 0:
        return None
    broker = str(current_app.conf.broker_url or "")
    if broker.startswith(("amqp://", "amqps://", "pyamqp://")):
        return float(math.ceil(countdown))
    return round(countdown, 3)
