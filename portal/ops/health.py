"""``/health/live/`` (the process answers) and ``/health/`` (database, broker and storage all answer).

Liveness never touches a dependency, so an orchestrator does not restart web processes because the
database is down; readiness is what a proxy or load balancer routes on. Readiness answers 503 naming
every dependency that is down, e.g. ``{"status": "down", "down": ["broker"], "checks": {"broker": "down", ...}}``;
the reason (which may name hosts) goes to the log only.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime

from celery import current_app
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheck
from health_check.checks import Database, Storage
from health_check.exceptions import ServiceUnavailable


@dataclasses.dataclass
class Broker(HealthCheck):
    """A connection to the Celery broker opens (Redis, RabbitMQ or the filesystem transport)."""

    timeout = datetime.timedelta(seconds=3)

    def run(self) -> None:
        try:
            with current_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        except Exception as error:  # kombu raises transport-specific errors
            raise ServiceUnavailable(f"broker unreachable: {type(error).__name__}") from error


def readiness_checks() -> dict[str, HealthCheck]:
    return {"database": Database(), "broker": Broker(), "storage": Storage()}


async def run_checks(checks: dict[str, HealthCheck]) -> list:
    return await asyncio.gather(*(check.get_result() for check in checks.values()))


@never_cache
@transaction.non_atomic_requests
def readiness(request):
    """The checks run side by side, each within its own timeout (django-health-check)."""
    checks = readiness_checks()
    results = asyncio.run(run_checks(checks))
    down = [name for name, result in zip(checks, results, strict=True) if result.error is not None]
    report = {name: "down" if name in down else "ok" for name in checks}
    body = {"status": "down" if down else "ok", "down": down, "checks": report}
    return JsonResponse(body, status=503 if down else 200)


@never_cache
def liveness(request):
    return JsonResponse({"status": "ok"})
