"""Scheduled jobs of notifications (``portal.integrations.schedules``); each safe to run twice, or twice at once."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from .partner_faults import partner_faults_notify
from .reminders import reminders_send
from .services import digests_plan

LONG_JOB = {"soft_time_limit": 1800, "time_limit": 1900}


@shared_task(name="notifications.send_reminders", **LONG_JOB)
def send_reminders_task() -> dict:
    return asdict(reminders_send())


@shared_task(name="notifications.send_digests", **LONG_JOB)
def send_digests_task() -> int:
    return len(digests_plan())


@shared_task(name="notifications.check_partner_faults")
def check_partner_faults_task() -> int:
    return partner_faults_notify()
