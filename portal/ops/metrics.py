"""Prometheus metrics: ``GET /metrics`` on every web process, and an HTTP port of its own on every worker.

- ``portal_http_requests_total`` / ``portal_http_request_duration_seconds``: by method, view name, status
  (webhook intake is ``view="integrations:buzzin-webhook"``);
- ``portal_celery_tasks_total`` / ``portal_celery_task_duration_seconds``: by task and outcome (worker port);
- read from the database at each scrape: open outbox rows by partner and state, age of the oldest change
  not yet delivered, webhook events waiting and failed, age of the oldest waiting event.

With several processes behind one port (gunicorn workers, Celery's prefork pool) set
``PROMETHEUS_MULTIPROC_DIR`` to an empty folder of that server's own (``portal.ops.entrypoint`` empties it
at start): each process writes its counters there and the scrape adds them up.
"""

from __future__ import annotations

import hmac
import logging
import os
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

HTTP_REQUESTS = Counter(
    "portal_http_requests", "HTTP requests answered, by method, view name and status.", ["method", "view", "status"]
)
HTTP_DURATION = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and view name.",
    ["method", "view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASKS = Counter("portal_celery_tasks", "Celery tasks run, by task name and outcome.", ["task", "outcome"])
TASK_DURATION = Histogram(
    "portal_celery_task_duration_seconds",
    "Time a Celery task ran, by task name.",
    ["task"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 150),
)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def process_registry() -> CollectorRegistry:
    """This server's counters: summed over its processes in multiprocess mode, else this process's own."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


# --- HTTP ------------------------------------------------------------------------------------------


class RequestMetricsMiddleware:
    """Counts and times every request by the name of the view that answered (bounded label values)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unresolved"
        HTTP_REQUESTS.labels(request.method, view, str(response.status_code)).inc()
        HTTP_DURATION.labels(request.method, view).observe(time.perf_counter() - started)
        return response


# --- Database-derived gauges ---------------------------------------------------------------------------


class BacklogCollector:
    """Read at scrape time: what is waiting, and since when. A database outage gives ``portal_backlog_up 0``."""

    def collect(self):
        from portal.integrations.delivery.selectors import backlog_by_partner_and_state, oldest_undelivered_at
        from portal.integrations.webhooks.selectors import inbound_failed_count, inbound_waiting

        up = GaugeMetricFamily("portal_backlog_up", "1 when the backlog figures below could be read.")
        try:
            backlog = backlog_by_partner_and_state()
            oldest = oldest_undelivered_at()
            waiting, oldest_waiting = inbound_waiting()
            failed_events = inbound_failed_count()
        except Exception as error:
            logger.warning("metrics: backlog unreadable: %s", type(error).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        open_rows = GaugeMetricFamily(
            "portal_outbox_open_deliveries",
            "Outbox rows not yet delivered, by partner and state.",
            labels=["partner", "state"],
        )
        for (partner, state), count in sorted(backlog.items()):
            open_rows.add_metric([partner, state], count)
        yield open_rows
        yield GaugeMetricFamily(
            "portal_outbox_oldest_undelivered_age_seconds",
            "Age of the oldest change a partner has not received yet (0 when none is waiting).",
            value=_age(oldest),
        )
        yield GaugeMetricFamily(
            "portal_webhook_events_waiting", "Webhook events stored and not processed yet.", value=waiting
        )
        yield GaugeMetricFamily(
            "portal_webhook_oldest_waiting_age_seconds",
            "Age of the oldest webhook event waiting to be processed (0 when none is).",
            value=_age(oldest_waiting),
        )
        yield GaugeMetricFamily("portal_webhook_events_failed", "Webhook events that failed.", value=failed_events)


def _age(moment) -> float:
    return max((timezone.now() - moment).total_seconds(), 0.0) if moment else 0.0


BACKLOG_REGISTRY = CollectorRegistry(auto_describe=False)
BACKLOG_REGISTRY.register(BacklogCollector())


def exposition() -> bytes:
    return generate_latest(process_registry()) + generate_latest(BACKLOG_REGISTRY)


def metrics_view(request):
    """Open when ``METRICS_TOKEN`` is empty; else only with ``Authorization: Bearer <token>``. The proxy
    does not forward ``/metrics``: Prometheus scrapes each web process directly."""
    token = settings.METRICS_TOKEN
    if token:
        offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(offered.encode(), token.encode()):
            return HttpResponse("unauthorized\n", status=401, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
