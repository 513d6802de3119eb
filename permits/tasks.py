"""Scheduled jobs of the permits app (installed by ``manage.py install_schedules``; edited in the admin).

Thin: each calls one service. Every job is safe to run twice, or twice at once: the expiry sweep
moves a permit with a guarded UPDATE and the compliance check settles each permit under its row
lock; the decision deadlines record each reminder and escalation behind a guarded UPDATE.
(The reminders are notifications: ``portal.integrations.notifications.tasks``.)
"""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from .services.compliance import compliance_check
from .services.deadlines import decisions_check_deadlines
from .services.expiry import permits_expire_due

LONG_JOB = {"soft_time_limit": 1800, "time_limit": 1900}


@shared_task(name="permits.expire_due", soft_time_limit=600, time_limit=660)
def expire_due_task() -> int:
    return permits_expire_due()


@shared_task(name="permits.check_compliance", **LONG_JOB)
def check_compliance_task() -> dict:
    return asdict(compliance_check())


@shared_task(name="permits.check_decision_deadlines", soft_time_limit=240, time_limit=280)
def check_decision_deadlines_task() -> dict:
    return asdict(decisions_check_deadlines())
