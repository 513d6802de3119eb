"""Beat as a single instance, even if a second one is started by mistake (two hosts, a rolling deploy).

``LockedDatabaseScheduler`` is django-celery-beat's scheduler (schedules edited in the admin) that first takes
a PostgreSQL advisory lock on a connection of its own and holds it for its whole life. A second beat waits
at start-up, as a standby, until the lock is free: when the first beat dies its connection closes, the lock
goes with it and the standby takes over. If the lock connection breaks, beat exits and its supervisor
restarts it (it then waits for the lock again). On SQLite (one machine) there is nothing to lock.
"""

from __future__ import annotations

import logging
import time

from django.db import connection as django_connection
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

BEAT_LOCK_KEY = 0x70657270  # any constant; the same for every beat of one database
WAIT_SECONDS = 5.0


def lock_connection():
    """A PostgreSQL connection outside Django's pool (Django may close its own between queries)."""
    import psycopg

    params = django_connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def try_lock(conn) -> bool:
    return bool(conn.execute("SELECT pg_try_advisory_lock(%s)", [BEAT_LOCK_KEY]).fetchone()[0])


class LockedDatabaseScheduler(DatabaseScheduler):
    lock_conn = None

    def setup_schedule(self):
        if django_connection.vendor == "postgresql":
            self.lock_conn = self._wait_for_lock()
        super().setup_schedule()

    def _wait_for_lock(self):
        conn = lock_connection()
        waited = False
        while not try_lock(conn):
            if not waited:
                logger.warning("beat: another beat holds the lock; waiting as a standby")
                waited = True
            time.sleep(WAIT_SECONDS)
        logger.info("beat: lock taken, this beat sends the periodic tasks")
        return conn

    def tick(self, *args, **kwargs):
        if self.lock_conn is not None:
            try:
                self.lock_conn.execute("SELECT 1")
            except Exception as error:
                logger.critical("beat: lock connection lost (%s); exiting so the supervisor restarts beat", error)
                raise SystemExit(1) from error
        return super().tick(*args, **kwargs)
