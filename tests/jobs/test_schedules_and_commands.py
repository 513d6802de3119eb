"""The jobs as an admin and an operator meet them: beat schedules, Celery tasks, manage.py commands."""

import io

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from permits.choices import PermitStatus
from permits.management.commands._progress import ProgressBar
from permits.models import Permit
from permits.tasks import check_compliance_task, expire_due_task
from portal.integrations.jobs.tasks import reconcile_task
from portal.integrations.notifications.tasks import (
    check_partner_faults_task,
    send_digests_task,
    send_reminders_task,
)
from portal.integrations.schedules import schedules_install
from tests.factories import in_days

from .conftest import live_permit

pytestmark = pytest.mark.django_db


def test_default_schedules_are_installed_once_and_editable():
    schedules_install()
    tasks = {task.task: task for task in PeriodicTask.objects.all()}
    assert tasks["permits.expire_due"].interval.every == 300
    assert tasks["permits.expire_due"].interval.period == "seconds"
    crontabs = {
        name: (tasks[name].crontab.minute, tasks[name].crontab.hour)
        for name in (
            "permits.check_compliance",
            "notifications.send_reminders",
            "notifications.send_digests",
            "integrations.reconcile",
        )
    }
    assert crontabs == {
        "permits.check_compliance": ("0", "6"),
        "notifications.send_reminders": ("0", "7"),
        "notifications.send_digests": ("30", "7"),
        "integrations.reconcile": ("30", "*"),
    }
    assert tasks["notifications.check_partner_faults"].interval.every == 300
    PeriodicTask.objects.filter(task="notifications.send_reminders").update(enabled=False)
    schedules_install()
    assert not PeriodicTask.objects.get(task="notifications.send_reminders").enabled


def test_tasks_carry_the_scheduled_names():
    tasks = (expire_due_task, check_compliance_task, reconcile_task)
    tasks += (send_reminders_task, send_digests_task, check_partner_faults_task)
    assert [task.name for task in tasks] == [
        "permits.expire_due",
        "permits.check_compliance",
        "integrations.reconcile",
        "notifications.send_reminders",
        "notifications.send_digests",
        "notifications.check_partner_faults",
    ]


def test_tasks_run_their_job(settings):
    settings.RECONCILE_RATE_PER_SECOND = 0
    permit = live_permit(ends=in_days(1))
    Permit.objects.filter(pk=permit.pk).update(valid_till=in_days(-1), valid_from=in_days(-5))
    assert expire_due_task() == 1
    assert expire_due_task() == 0
    assert send_reminders_task() == {"permits": 0, "nocs": 0, "documents": 0, "failed": 0}
    assert send_digests_task() == 0
    assert check_partner_faults_task() == 0
    assert check_compliance_task()["checked"] == 0
    assert reconcile_task()["complete"] is True


def test_expire_permits_command_draws_a_progress_bar():
    for _ in range(3):
        permit = live_permit(ends=in_days(1))
        Permit.objects.filter(pk=permit.pk).update(valid_till=in_days(-1), valid_from=in_days(-5))
    out, err = io.StringIO(), io.StringIO()
    call_command("expire_permits", "--batch-size", "2", stdout=out, stderr=err)
    assert out.getvalue() == "Expired 3 permit(s).\n"
    assert err.getvalue().rstrip().endswith(f"Expiring [{'#' * 30}] 3/3 100%")
    assert Permit.objects.filter(status=PermitStatus.EXPIRED).count() == 3


def test_quiet_commands_draw_nothing():
    err = io.StringIO()
    call_command("send_reminders", verbosity=0, stdout=io.StringIO(), stderr=err)
    call_command("reconcile", verbosity=0, stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""


def test_reminder_and_reconcile_commands_report(settings):
    settings.RECONCILE_RATE_PER_SECOND = 0
    out = io.StringIO()
    call_command("send_reminders", stdout=out, stderr=io.StringIO())
    call_command("reconcile", "--max-seconds", "60", stdout=out, stderr=io.StringIO())
    assert "Reminded 0 time(s)" in out.getvalue()
    assert "Checked 0 permit(s) and 0 vehicle(s): no drift." in out.getvalue()


def test_progress_bar_rendering():
    bar = ProgressBar(io.StringIO(), "Job")
    assert bar.render(5, 10) == f"Job [{'#' * 15}{'-' * 15}] 5/10  50%"
    assert bar.render(7, None) == "Job: 7"
