"""Handing work to the broker. A broker outage is never an error: the row stays in the database and
a periodic relay hands it over again, so a request or a commit never waits on (or fails with) the broker."""

from __future__ import annotations

import logging

from celery import current_app

logger = logging.getLogger(__name__)


def hand_over(task_name: str, row_id: int, *, countdown: float | None = None) -> bool:
    """Queue ``task_name(row_id)``; False (and a warning) when the broker cannot take it now."""
    options = {"countdown": round(countdown, 3)} if countdown and countdown > 0 else {}
    try:
        if current_app.conf.task_always_eager:  # CELERY_TASK_ALWAYS_EAGER (debugging): run it here and now
            current_app.tasks[task_name].apply(args=[row_id])
        else:
            current_app.send_task(task_name, args=[row_id], **options)
    except Exception as exc:
        logger.warning("broker unavailable, %s %s left for the relay: %s", task_name, row_id, exc)
        return False
    return True
