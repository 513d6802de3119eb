"""The expiry sweep on several connections at once: disjoint batches, every due permit expired exactly once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from permits.choices import PermitStatus
from permits.models import Permit
from permits.services import expiry
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import CommunityFactory

from .test_expiry import NOW, due_permit

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the sweeps' own connections see only committed rows
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer in at a time"),
]


def test_two_sweeps_side_by_side_expire_each_due_permit_once(monkeypatch):
    community = CommunityFactory()
    permits = [due_permit(community, vehicles=1) for _ in range(23)]
    due_permit(community, ends=NOW + expiry.datetime.timedelta(minutes=1))  # not due
    both_started = threading.Barrier(2, timeout=20)
    threads: set[int] = set()
    real_batch = expiry._expire_batch

    def batch_after_both_started(now, batch_size):
        if threading.get_ident() not in threads:
            threads.add(threading.get_ident())
            both_started.wait()  # the first batches of the two sweeps select at the same time
        return real_batch(now, batch_size)

    monkeypatch.setattr(expiry, "_expire_batch", batch_after_both_started)
    seen: list[int] = []
    before = _backends()

    assert expiry.permits_expire_due(now=NOW, batch_size=4, connections=2, progress=seen.append) == 23

    assert len(threads) == 2
    assert seen == sorted(seen) and seen[-1] == 23
    ids = {str(permit.pk) for permit in permits}
    events = list(AuditEvent.objects.filter(action="permits.permit.expired").values_list("target_id", flat=True))
    assert sorted(events) == sorted(ids)  # one event each: no permit taken by both sweeps
    assert Permit.objects.filter(status=PermitStatus.EXPIRED).count() == 23
    deletes = OutboundDelivery.objects.filter(operation="parking.delete")
    assert deletes.count() == 23 and deletes.values("target_id").distinct().count() == 23
    _wait_for(lambda: _backends() == before)  # the sweeps' threads closed their connections


def _backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def _wait_for(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        time.sleep(0.05)


def test_the_number_of_sweeps_comes_from_the_setting_and_is_at_least_one(settings):
    settings.EXPIRY_SWEEP_CONNECTIONS = 3
    assert expiry._connections(None) == 3
    assert expiry._connections(1) == 1
    assert expiry._connections(0) == 1
