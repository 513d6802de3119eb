"""Two communities (A: Asia/Dubai, B) with a manager each, and a helper that records scans the real way."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from permits.choices import ScanDirection
from permits.services.external import gate_scan_record
from portal.core.actors import Actor
from tests.admin.conftest import *  # noqa: F403  (the two communities and their managers)
from tests.admin.conftest import logged_in, make_manager  # noqa: F401
from tests.factories import permit_in_status
from tests.webhooks.conftest import *  # noqa: F403  (the signed webhook path)

DUBAI = zoneinfo.ZoneInfo("Asia/Dubai")
GATES = Actor.system("gates")
_counter = iter(range(1, 10**9))


def local(day: datetime.date, hour: int, minute: int = 0, second: int = 0, tz=DUBAI, microsecond: int = 0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, second, microsecond, tzinfo=tz)


def scan(permit, moment: datetime.datetime, direction: str = ScanDirection.ENTRY, name: str = "Ravi Kumar", **kwargs):
    """A scan recorded through the domain service, as the webhook handler records it."""
    outcome = gate_scan_record(
        actor=GATES,
        permit=permit,
        event_id=f"evt-test-{next(_counter)}",
        scanned_at=moment,
        direction=direction,
        employee_name=name,
        gate="Gate 1",
        **kwargs,
    )
    return outcome.target


def live_permit(community, property, contractor, *, start: datetime.datetime, days=30, status="active", **fields):
    """A permit in ``status`` valid from ``start`` for ``days`` days, daily hours 08:00-17:00 unless given."""
    permit = permit_in_status(status, community=community, property=property, contractor=contractor)
    type(permit).objects.filter(pk=permit.pk).update(
        valid_from=start, valid_till=start + datetime.timedelta(days=days), **fields
    )
    permit.refresh_from_db()
    return permit


@pytest.fixture
def permit_a(community_a, property_a, contractor_a):
    return live_permit(community_a, property_a, contractor_a, start=local(DAY, 6))


@pytest.fixture
def permit_b(community_b, property_b, contractor_b):
    return live_permit(community_b, property_b, contractor_b, start=local(DAY, 6))


DAY = datetime.date(2026, 11, 24)  # a Tuesday, before the fixtures' dates
