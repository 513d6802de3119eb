"""Beat stays single: the scheduler's PostgreSQL advisory lock is held by one connection at a time."""

from __future__ import annotations

import pytest
from django.db import connection

from portal.ops.beat import lock_connection, try_lock

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the lock exists on PostgreSQL only"),
]


def test_a_second_beat_waits_until_the_first_one_is_gone():
    first, second = lock_connection(), lock_connection()
    try:
        assert try_lock(first) is True
        assert try_lock(second) is False, "a second beat must not send the schedule too"
        first.close()  # the first beat dies: its session, and the lock with it, end
        assert try_lock(second) is True
    finally:
        for conn in (first, second):
            conn.close()
