"""The hourly reconciliation (``portal.integrations.schedules``): thin, the work is in ``reconciliation``.

A run stops itself after ``RECONCILE_MAX_SECONDS`` (default 50 minutes, below the task's time
limit); what it did not reach is checked by the next run. Two runs at once are harmless: each
target's drifts are written under the target's row lock.
"""

from __future__ import annotations

import time

from celery import shared_task
from django.conf import settings

from portal.integrations.reconciliation import reconcile


@shared_task(name="integrations.reconcile", soft_time_limit=3300, time_limit=3420)
def reconcile_task() -> dict:
    budget = settings.RECONCILE_MAX_SECONDS
    return reconcile(deadline=time.monotonic() + budget).as_dict()
