"""Celery's own signals, for operations only (never for domain effects): task metrics, the worker's metrics
port, its logging (the project's LOGGING, so JSON lines carry task ids), the request id that travels
from a web request into the tasks it queued, and the database connections kept between tasks."""

from __future__ import annotations

import copy
import logging
import logging.config
import time

from celery import signals
from django.db import close_old_connections

from portal.core.request_id import current_request_id

from .metrics import TASK_DURATION, TASKS, process_registry

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "portal_request_id"
_started: dict[str, float] = {}


@signals.before_task_publish.connect
def _carry_request_id(headers=None, **kwargs):
    request_id = current_request_id()
    if headers is not None and request_id != "-":
        headers[REQUEST_ID_HEADER] = request_id


@signals.task_prerun.connect
def _task_started(task_id=None, task=None, **kwargs):
    _started[task_id] = time.perf_counter()
    _check_connections(task)


@signals.task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    _check_connections(task)
    started = _started.pop(task_id, None)
    name = getattr(task, "name", "unknown")
    TASKS.labels(name, (state or "unknown").lower()).inc()
    if started is not None:
        TASK_DURATION.labels(name).observe(time.perf_counter() - started)


def _check_connections(task) -> None:
    """What Django does around each web request: drop a connection that broke or outlived
    ``DB_CONN_MAX_AGE``, and health-check the others at their next use (``CELERY_DB_REUSE_MAX``: the
    connections are kept between tasks). Not for a task run eagerly, inside its caller's transaction."""
    if not getattr(getattr(task, "request", None), "is_eager", False):
        close_old_connections()


@signals.setup_logging.connect
def _worker_logging(loglevel=None, **kwargs):
    """Workers and beat log through the project's LOGGING (plain or JSON) at the level given with ``-l``."""
    from django.conf import settings

    config = copy.deepcopy(settings.LOGGING)
    if loglevel:
        config["root"]["level"] = logging.getLevelName(loglevel) if isinstance(loglevel, int) else loglevel
    logging.config.dictConfig(config)


@signals.worker_ready.connect
def _serve_worker_metrics(**kwargs):
    """``WORKER_METRICS_PORT``: this worker's task counters for Prometheus (summed over its pool processes)."""
    from django.conf import settings
    from prometheus_client import start_http_server

    port = settings.WORKER_METRICS_PORT
    if port:
        start_http_server(port, addr=settings.WORKER_METRICS_ADDR, registry=process_registry())
        logger.info("worker metrics on %s:%s", settings.WORKER_METRICS_ADDR, port)
