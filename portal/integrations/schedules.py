"""Default periodic jobs. Installed once; afterwards admins edit them in the admin (django-celery-beat)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    every_seconds: int | None = None
    crontab: str | None = None  # "minute hour" in the portal's time zone


DEFAULT_SCHEDULES = [
    DefaultSchedule("Relay partner deliveries", "integrations.delivery_relay", every_seconds=30),
    DefaultSchedule("Relay received webhooks", "integrations.webhook_relay", every_seconds=60),
    DefaultSchedule("Expire ended permits", "permits.expire_due", every_seconds=300),
    DefaultSchedule("Remind and escalate decision deadlines", "permits.check_decision_deadlines", every_seconds=300),
    DefaultSchedule("Check contractor compliance", "permits.check_compliance", crontab="0 6"),
    DefaultSchedule("Send reminder e-mails", "notifications.send_reminders", crontab="0 7"),
    DefaultSchedule("Send daily digests", "notifications.send_digests", crontab="30 7"),
    DefaultSchedule("Notify operators of partner faults", "notifications.check_partner_faults", every_seconds=300),
    DefaultSchedule("Reconcile with Buzz-In and OPS-COM", "integrations.reconcile", crontab="30 *"),
]


@transaction.atomic
def schedules_install() -> list[str]:
    """Create the missing default jobs; never overwrite one an admin has changed."""
    created = []
    for default in DEFAULT_SCHEDULES:
        if PeriodicTask.objects.filter(name=default.name).exists():
            continue
        if default.every_seconds:
            interval, _ = IntervalSchedule.objects.get_or_create(every=default.every_seconds, period="seconds")
            PeriodicTask.objects.create(name=default.name, task=default.task, interval=interval)
        else:
            minute, hour = default.crontab.split()
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*"
            )
            PeriodicTask.objects.create(name=default.name, task=default.task, crontab=crontab)
        created.append(default.name)
    return created
