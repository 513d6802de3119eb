"""The expiry move, for one permit or a hundred thousand: one definition, set-based.

``permits_expire`` is what expiring does: every given permit (already locked by the caller) still in
a status the transition table lets expire becomes expired, with one ``permits.permit.expired`` event
each; the subscribers follow those events (parking is released, for instance) in the same transaction.
It costs a fixed number of statements whatever the number of permits: one guarded
``UPDATE … RETURNING``, one bulk insert of the events, and what the subscribers need (a select and a
bulk insert each at most).

``permit_expire`` (lifecycle) locks one permit and calls it; the sweep (``permits_expire_due``) takes
due permits in batches under ``FOR UPDATE SKIP LOCKED`` (so two sweeps take disjoint rows; SQLite runs
the portal's transactions as ``BEGIN IMMEDIATE``, one writer at a time), one transaction per batch.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple, Protocol

from django.conf import settings
from django.db import connection
from django.utils import timezone

from portal.core.actors import Actor
from portal.core.bulk import objects_new
from portal.core.events import domain_service, events_record_bulk
from portal.core.lookups import among_sql
from portal.core.models import AuditEvent

from ..choices import PermitStatus
from ..models import Permit
from ..transitions import TRANSITIONS, Move
from ._common import MOVE_EVENTS

EXPIRE_SOURCES, EXPIRED = TRANSITIONS[Move.EXPIRE]
EXPIRY_ACTOR = Actor.system("expiry sweep")
EXPIRED_ACTION = f"permits.permit.{MOVE_EVENTS[Move.EXPIRE]}"
EXPIRY_REASON = "The permit's validity ended."


class Expirable(Protocol):
    pk: int
    status: str
    community_id: int
    valid_till: datetime.datetime


class _Due(NamedTuple):
    pk: int
    status: str
    community_id: int
    valid_till: datetime.datetime


def permits_expire(permits: Sequence[Expirable], *, actor: Actor) -> set[int]:
    """Expire the given permits (locked by the caller); returns the ids this call really moved."""
    if not permits:
        return set()
    moment = timezone.now()
    moved = _update_returning([permit.pk for permit in permits], moment)
    expired = [permit for permit in permits if permit.pk in moved]
    events_record_bulk(objects_new(AuditEvent, [_expired_event(permit, actor, moment) for permit in expired]))
    for permit in expired:
        if isinstance(permit, Permit):
            permit.status, permit.status_changed_at = EXPIRED, moment
    return moved


def permits_expire_due(
    *,
    now: datetime.datetime | None = None,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    connections: int | None = None,
) -> int:
    """Expire every permit due at ``now``, batch after batch; returns how many this call expired.

    ``connections`` sweeps run side by side (default ``settings.EXPIRY_SWEEP_CONNECTIONS``; one on SQLite, which
    lets one writer in at a time), each in a thread with its own database connection. Their batches take
    disjoint rows (``SKIP LOCKED``), and while one builds its events and outbox rows in Python another's
    ``UPDATE`` runs in the database: a batch spends about half its time in each. ``progress`` gets the total so
    far after each batch of any of them.
    """
    now = now or timezone.now()
    tally = _Tally(progress)
    count = _connections(connections)
    if count == 1:
        return _sweep(now, batch_size, tally)
    with ThreadPoolExecutor(count, thread_name_prefix="expiry-sweep") as pool:
        return sum(pool.map(lambda _: _sweep_on_own_connection(now, batch_size, tally), range(count)))


def _connections(wanted: int | None) -> int:
    if connection.vendor != "postgresql":
        return 1
    return max(1, wanted if wanted is not None else settings.EXPIRY_SWEEP_CONNECTIONS)


def _sweep(now: datetime.datetime, batch_size: int, tally: _Tally) -> int:
    """Batches until one finds fewer due permits than it could take (the others' locked rows are theirs)."""
    expired_here = 0
    while True:
        selected, expired = _expire_batch(now, batch_size)
        expired_here += expired
        tally.add(expired)
        if selected < batch_size:
            return expired_here


def _sweep_on_own_connection(now: datetime.datetime, batch_size: int, tally: _Tally) -> int:
    try:
        return _sweep(now, batch_size, tally)
    finally:
        connection.close()  # this thread's connection: a pool thread must not leave one open


class _Tally:
    """The permits expired by every sweep of a call, told to ``progress`` after each batch."""

    def __init__(self, progress: Callable[[int], None] | None):
        self.progress, self.total, self._lock = progress, 0, threading.Lock()

    def add(self, expired: int) -> None:
        with self._lock:
            self.total += expired
            if self.progress is not None:
                self.progress(self.total)


def permits_due_count(*, now: datetime.datetime | None = None) -> int:
    return Permit.objects.filter(status__in=EXPIRE_SOURCES, valid_till__lte=now or timezone.now()).count()


@domain_service
def _expire_batch(now: datetime.datetime, batch_size: int) -> tuple[int, int]:
    due = _select_due(now, batch_size)
    return len(due), len(permits_expire(due, actor=EXPIRY_ACTOR))


def _select_due(now: datetime.datetime, batch_size: int) -> list[_Due]:
    rows = (
        Permit.objects.select_for_update(skip_locked=True, no_key=True)
        .filter(status__in=EXPIRE_SOURCES, valid_till__lte=now)
        .order_by("valid_till", "pk")
        .values_list("pk", "status", "community_id", "valid_till")[:batch_size]
    )
    return [_Due(*row) for row in rows]


def _expired_event(permit: Expirable, actor: Actor, moment: datetime.datetime) -> dict:
    """The values of one permit's expired event (``objects_new`` makes the thousands of a batch at once)."""
    return {
        "at": moment,
        "actor_id": actor.user.pk if actor.user else None,
        "actor_label": actor.label[:200],
        "community_id": permit.community_id,
        "target_type": Permit._meta.model_name,
        "target_id": str(permit.pk),
        "action": EXPIRED_ACTION,
        "from_status": permit.status,
        "to_status": PermitStatus.EXPIRED,
        "reason": EXPIRY_REASON,
        "data": {"valid_till": permit.valid_till.isoformat()},
    }


_COLUMNS = ("id", "status", "status_changed_at", "updated_at")


def _update_returning(ids: list[int], moment: datetime.datetime) -> set[int]:
    """One UPDATE guarded by the table's sources; the ids it really changed."""
    table = connection.ops.quote_name(Permit._meta.db_table)
    sources = sorted(EXPIRE_SOURCES)
    column = {name: connection.ops.quote_name(Permit._meta.get_field(name).column) for name in _COLUMNS}
    among, id_params = among_sql(column["id"], ids, connection.vendor)
    sql = (
        f"UPDATE {table} SET {column['status']} = %s, {column['status_changed_at']} = %s, {column['updated_at']} = %s "
        f"WHERE {among} "
        f"AND {column['status']} IN ({', '.join(['%s'] * len(sources))}) RETURNING {column['id']}"
    )
    stamp = connection.ops.adapt_datetimefield_value(moment)
    with connection.cursor() as cursor:
        cursor.execute(sql, [EXPIRED, stamp, stamp, *id_params, *sources])
        return {row[0] for row in cursor.fetchall()}
