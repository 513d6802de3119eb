"""Beat stays single: the scheduler's PostgreSQL advisory lock is held by one connection at a time."""

from __future__ import annotations

import time

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
        assert _locks_within(second, seconds=10), "the lock must pass on once the first session is gone"
    finally:
        for conn in (first, second):
            conn.close()


def _locks_within(conn, *, seconds: float) -> bool:
    """The server ends a closed session's backend (and frees its locks) a moment after the client hangs up."""
    deadline = time.monotonic() + seconds
    while not try_lock(conn):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
