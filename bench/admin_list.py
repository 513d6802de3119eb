"""Workload 2: the permit changelist, the product's ``PermitAdmin`` against a plain ``ModelAdmin``, in process."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.core.local_time import local_days_span, local_today
from portal.core.models import Community, StaffMembership

from .report import median, percentile

PRODUCT_URL = "/admin/permits/permit/"
PLAIN_URL = "/bench/plain-admin/permits/permit/"
PASSWORD = "bench-password-not-secret"


@dataclass
class Case:
    user: str  # "manager" or "superuser"
    label: str
    product_query: str
    plain_query: str  # the same rows on the plain admin (which has no scoping and no custom filters)


@dataclass
class Sample:
    median_ms: float
    p95_ms: float
    queries: int
    saw_count: bool
    status: int


def bench_users() -> dict[str, object]:
    """A superuser and a property manager of the first bench community (group from core 0002)."""
    User = get_user_model()
    superuser, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True, "email": "a@bench.example"}
    )
    manager, created = User.objects.get_or_create(
        username="bench-manager", defaults={"is_staff": True, "email": "m@bench.example"}
    )
    if created:
        manager.groups.add(Group.objects.get(name="Property managers"))
        StaffMembership.objects.create(user=manager, community=manager_community())
    return {"superuser": superuser, "manager": manager}


def manager_community() -> Community:
    return Community.objects.get(slug="bench-1")


def cases() -> list[Case]:
    own = manager_community().pk
    other = Community.objects.get(slug="bench-2").pk
    tz = manager_community().tzinfo  # the bench's communities share one zone
    start, end = local_days_span(local_today(tz), 7, tz)  # "within 7 days": today and the next six, local
    window = f"valid_till__gte={_q(start)}&valid_till__lt={_q(end)}"
    result = []
    for user in ("manager", "superuser"):
        scope = f"community__id__exact={own}&" if user == "manager" else ""
        community = own if user == "manager" else other
        result += [
            Case(user, "unfiltered", "", scope.rstrip("&")),
            Case(user, "status=submitted", "status__exact=submitted", f"{scope}status__exact=submitted"),
            Case(user, "community", f"community__id__exact={community}", f"community__id__exact={community}"),
            Case(user, "expires in 7 days", "expires=7d", f"{scope}{window}"),
        ]
    return result


def _q(moment: datetime.datetime) -> str:
    """A moment as the admin reads a query-string value: wall time on the server's clock."""
    return timezone.localtime(moment).strftime("%Y-%m-%d+%H:%M:%S")


def clients(users: dict) -> dict[str, Client]:
    result = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        result[name] = client
    return result


@override_settings(ROOT_URLCONF="bench.urls")
def measure(client: Client, url: str, repeat: int, warmup: int = 2) -> Sample:
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    sql = [query["sql"] for query in captured.captured_queries]
    saw_count = any(is_full_table_count(statement) for statement in sql)
    return Sample(median(times), percentile(times, 0.95), len(sql), saw_count, response.status_code)


def is_full_table_count(statement: str) -> bool:
    """A COUNT(*) of the whole permit table (a manager's count, limited to its communities, is fine; so is
    the paginator's CASE, whose COUNT only runs below the estimate threshold)."""
    text = statement.upper()
    return text.startswith("SELECT COUNT(*)") and "PERMITS_PERMIT" in text and " WHERE " not in text


def url_of(base: str, query: str) -> str:
    return f"{base}?{query}" if query else base


def run_product(client_by_user: dict, repeat: int) -> dict[tuple[str, str], Sample]:
    return {
        (case.user, case.label): measure(client_by_user[case.user], url_of(PRODUCT_URL, case.product_query), repeat)
        for case in cases()
    }


def run_plain(client_by_user: dict, repeat: int) -> dict[tuple[str, str], Sample]:
    return {
        (case.user, case.label): measure(client_by_user[case.user], url_of(PLAIN_URL, case.plain_query), repeat, 1)
        for case in cases()
    }
