"""JSON log lines inside a task carry its id, its name and the id of the request that queued it; the
image's entrypoint starts each role with the project's one command for it."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery._state import _task_stack

from portal.core import request_id
from portal.core.request_id import JsonFormatter, RequestIdFilter
from portal.devrun import celery_worker_command
from portal.integrations.webhooks.tasks import webhook_relay_task
from portal.ops import entrypoint
from portal.ops.celery_hooks import REQUEST_ID_HEADER, _carry_request_id
from portal.ops.logs import TaskContextFilter

ROOT = Path(__file__).resolve().parent.parent.parent


def json_line(logger_name: str, message: str) -> dict:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(TaskContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        logger.warning(message)
    finally:
        logger.removeHandler(handler)
    return json.loads(stream.getvalue())


def test_a_task_log_line_has_the_task_id_and_name_and_the_request_that_queued_it():
    task = webhook_relay_task
    task.push_request(id="task-1234", **{REQUEST_ID_HEADER: "req-from-web-99"})
    _task_stack.push(task)
    try:
        entry = json_line("portal.test.task", "inside a task")
    finally:
        _task_stack.pop()
        task.pop_request()
    assert entry["task_id"] == "task-1234"
    assert entry["task_name"] == "integrations.webhook_relay"
    assert entry["request_id"] == "req-from-web-99"
    assert entry["message"] == "inside a task"


def test_outside_a_task_there_is_no_task_id():
    entry = json_line("portal.test.plain", "outside")
    assert "task_id" not in entry
    assert entry["request_id"] == "-"


def test_the_request_id_travels_in_the_headers_of_the_tasks_a_request_queues():
    token = request_id._request_id.set("req-abcdef-42")
    try:
        headers = {}
        _carry_request_id(headers=headers)
    finally:
        request_id._request_id.reset(token)
    assert headers == {REQUEST_ID_HEADER: "req-abcdef-42"}
    outside = {}
    _carry_request_id(headers=outside)
    assert outside == {}


def test_entrypoint_roles(monkeypatch):
    monkeypatch.setenv("CELERY_QUEUE", "q-prod")
    monkeypatch.setenv("WORKER_NAME", "worker-2@%h")
    monkeypatch.setenv("WORKER_CONCURRENCY", "3")
    assert entrypoint.command("worker", []) == celery_worker_command(queue="q-prod", name="worker-2@%h", concurrency=3)
    web = entrypoint.command("web", ["--bind", "127.0.0.1:9000"])
    assert web[1:5] == ["-m", "gunicorn", "portal.wsgi:application", "--config"]
    assert web[-2:] == ["--bind", "127.0.0.1:9000"]
    assert entrypoint.command("beat", [])[1:5] == ["-m", "celery", "-A", "portal"]
    with pytest.raises(SystemExit):
        entrypoint.command("nonsense", [])


def test_a_server_starts_with_an_empty_metrics_folder(monkeypatch, tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_123.db").write_bytes(b"old run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    entrypoint.fresh_metrics_dir()
    assert folder.is_dir() and not any(folder.iterdir())


@pytest.mark.parametrize("dsn, active", [("", "False"), ("http://publickey@127.0.0.1:9/1", "True")])
def test_sentry_is_off_unless_a_dsn_is_set(dsn, active):
    code = "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().is_active())"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.base", "SENTRY_DSN": dsn}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == active, result.stderr[-2000:]


def test_webhooks_have_a_queue_of_their_own_that_every_worker_consumes(settings):
    """A backlog of partner deliveries never holds back what Buzz-In tells us (seen in the scale-out run)."""
    from celery import current_app

    from portal.integrations.webhooks.tasks import WEBHOOK_TASK_NAME
    from portal.queues import webhook_queue

    default = settings.CELERY_TASK_DEFAULT_QUEUE
    queue = webhook_queue(default)
    assert current_app.amqp.router.route({}, WEBHOOK_TASK_NAME)["queue"].name == queue
    assert current_app.amqp.router.route({}, "integrations.delivery_send")["queue"].name == default
    command = celery_worker_command(queue=default)
    assert command[command.index("-Q") + 1].split(",") == [default, queue]
