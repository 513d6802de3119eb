"""Workload 2: the permit changelist, the portal's ``PermitAdmin`` against a careful plain ``ModelAdmin``."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from urllib.parse import quote_plus

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
    """One side of one case: every timed request (all rounds), the median of each round, the queries of one page."""

    times: list[float]
    round_medians: list[float]
    queries: int
    saw_count: bool
    status: int

    @property
    def median_ms(self) -> float:
        return median(self.times)

    @property
    def p95_ms(self) -> float:
        return percentile(self.times, 0.95)

    @property
    def p99_ms(self) -> float:
        return percentile(self.times, 0.99)


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
    """A moment as Django's own date filter writes it in a query string: on the server's clock, with its offset
    (without one, the admin reads a naive datetime and Django warns on every request)."""
    return quote_plus(str(timezone.localtime(moment)))


def clients(users: dict) -> dict[str, Client]:
    result = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        result[name] = client
    return result


@override_settings(ROOT_URLCONF="bench.urls")
def measure_pair(clients: tuple[Client, Client], urls: tuple[str, str], requests: int, rounds: int, warmup: int = 2):
    """The portal's page and its reference, the same number of warm-ups and timed requests each.

    The timed requests come in ``rounds`` rounds, the two sides alternating round by round (which goes
    first alternates too), so a change in the machine's load falls on both; each round's median is kept
    for the spread.
    """
    for client, url in zip(clients, urls, strict=True):
        for _ in range(warmup):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    per_round = -(-requests // rounds)
    times: tuple[list, list] = ([], [])
    medians: tuple[list, list] = ([], [])
    for number in range(rounds):
        order = (0, 1) if number % 2 == 0 else (1, 0)
        for side in order:
            mine = _timed(clients[side], urls[side], per_round)
            times[side].extend(mine)
            medians[side].append(median(mine))
    return tuple(Sample(times[side], medians[side], *_queries(clients[side], urls[side])) for side in (0, 1))


def measure(client: Client, url: str, requests: int, warmup: int = 2) -> Sample:
    """One page on its own (the gate-scan pages): warm-ups, then ``requests`` timed requests, then its queries."""
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    times = _timed(client, url, requests)
    return Sample(times, [median(times)], *_queries(client, url))


def _timed(client: Client, url: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _queries(client: Client, url: str) -> tuple[int, bool, int]:
    """The page's statements: of two requests in a row, the one with fewer. The session is saved at most once a
    minute (``SessionActivityMiddleware``: three statements), which lands on the counted request now and then."""
    captures = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        captures.append([query["sql"] for query in captured.captured_queries])
    sql = min(captures, key=len)
    return len(sql), any(is_full_table_count(statement) for statement in sql), response.status_code


def is_full_table_count(statement: str) -> bool:
    """A COUNT(*) of the whole permit table (a manager's count, limited to its communities, is fine; so is
    the paginator's CASE, whose COUNT only runs below the estimate threshold)."""
    text = statement.upper()
    return text.startswith("SELECT COUNT(*)") and "PERMITS_PERMIT" in text and " WHERE " not in text


def url_of(base: str, query: str) -> str:
    return f"{base}?{query}" if query else base


def run(client_by_user: dict, requests: int, rounds: int) -> dict[tuple[str, str], tuple[Sample, Sample]]:
    """Every case: (the portal's ``PermitAdmin``, the plain ``ModelAdmin``)."""
    return {
        (case.user, case.label): measure_pair(
            (client_by_user[case.user], client_by_user[case.user]),
            (url_of(PRODUCT_URL, case.product_query), url_of(PLAIN_URL, case.plain_query)),
            requests,
            rounds,
        )
        for case in cases()
    }
