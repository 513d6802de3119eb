"""Store a verified delivery once per envelope id, and hand it to a worker when the row is committed."""

from __future__ import annotations

import functools
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ..models import InboundEvent, InboundEventState
from .envelope import moment
from .handlers import HANDLERS
from .tasks import webhook_dispatch

COLUMNS = ("event_id", "event", "community_id", "created_at_remote", "received_at", "verification", "delivery_id")
COLUMNS += ("payload", "state", "result", "error", "processed_at", "attempts")


def inbound_event_record(
    *, envelope: dict[str, Any], verification: str, delivery_id: str = ""
) -> tuple[InboundEvent, bool]:
    """The stored event and whether this delivery created it. A duplicate (even a concurrent one) changes nothing.

    One statement, committed on its own (outside a transaction): ``INSERT ... ON CONFLICT (event_id) DO NOTHING``.
    The unique ``event_id`` decides: on PostgreSQL a concurrent duplicate waits for the first insert to commit
    and then inserts nothing, on SQLite writes are serialised; either way no row comes back and the stored one
    is answered.
    """
    event_id = str(envelope["id"]).strip()
    event = str(envelope["event"]).strip()
    known = event in HANDLERS
    community_id = envelope.get("communityId")
    inbound = InboundEvent(
        event_id=event_id,
        event=event,
        community_id=str(community_id)[:64] if isinstance(community_id, str | int) else "",
        created_at_remote=moment(envelope, "createdAt"),
        received_at=timezone.now(),
        verification=verification,
        delivery_id=delivery_id[:100],
        payload=envelope,
        state=InboundEventState.RECEIVED if known else InboundEventState.IGNORED,
        result="" if known else "unknown event: stored, not processed",
    )
    inbound.pk = _insert_new(inbound)
    if inbound.pk is None:
        return InboundEvent.objects.get(event_id=event_id), False
    inbound._state.adding = False
    if known:
        transaction.on_commit(partial(webhook_dispatch, inbound.pk))
    return inbound, True


def _insert_new(inbound: InboundEvent) -> int | None:
    fields = [InboundEvent._meta.get_field(name) for name in COLUMNS]
    values = [field.get_db_prep_save(getattr(inbound, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), values)
        row = cursor.fetchone()
    return row[0] if row else None


@functools.cache
def _insert_sql() -> str:
    quote = connection.ops.quote_name
    return (
        f"INSERT INTO {quote(InboundEvent._meta.db_table)} ({', '.join(quote(name) for name in COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(COLUMNS))}) ON CONFLICT ({quote('event_id')}) DO NOTHING "
        f"RETURNING {quote('id')}"
    )
