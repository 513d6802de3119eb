"""A worker keeps its database connection between tasks, as the web keeps it between requests.

Celery's Django fixup would close it after every task (a new PostgreSQL backend per delivery);
``CELERY_DB_REUSE_MAX`` stops that, and ``portal.ops.celery_hooks`` drops a connection around a task
only when Django would drop it around a request: broken, or older than ``DB_CONN_MAX_AGE``.
"""

from __future__ import annotations

import time

import pytest
from celery import signals
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from portal.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


class _Task:
    name = "tests.worker_connections"

    def __init__(self, eager=False):
        self.request = type("Request", (), {"is_eager": eager})()


@pytest.fixture
def closes(monkeypatch):
    """Counts the closes of the default connection (SQLite's in-memory test database ignores them)."""
    calls = []
    real_close = connection.close

    def counted_close():
        calls.append(1)
        real_close()

    monkeypatch.setattr(connection, "close", counted_close)
    connection.ensure_connection()
    return calls


def _run_task(task):
    signals.task_prerun.send(sender=task, task_id="t-1", task=task, args=(), kwargs={})
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    signals.task_postrun.send(sender=task, task_id="t-1", task=task, state="SUCCESS", retval=None)


def test_celerys_fixup_keeps_the_connection_after_a_task(closes):
    fixup = DjangoWorkerFixup(app)
    assert fixup.db_reuse_max and fixup.db_reuse_max >= 100
    for _ in range(10):
        fixup.on_task_prerun(sender=_Task())
        fixup.on_task_postrun(sender=_Task())
    assert closes == []


def test_a_fresh_connection_is_kept_across_tasks(closes):
    connection.close_at = time.monotonic() + 60
    for _ in range(3):
        _run_task(_Task())
    assert closes == []


def test_a_connection_past_its_age_is_closed_after_the_task(closes):
    connection.close_at = time.monotonic() - 1
    _run_task(_Task())
    assert closes  # closed at the task's start or end; the next task opens a new one


def test_a_connection_that_broke_is_closed(closes, monkeypatch):
    connection.close_at = time.monotonic() + 60
    connection.errors_occurred = True
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    signals.task_postrun.send(sender=_Task(), task_id="t-2", task=_Task(), state="FAILURE", retval=None)
    assert closes


def test_an_eager_task_leaves_its_callers_connection_alone(closes):
    connection.close_at = time.monotonic() - 1  # obsolete: a worker's task would drop it
    _run_task(_Task(eager=True))
    assert closes == []
