"""Store a verified delivery once per envelope id, and hand it to a worker when the row is committed."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import IntegrityError, transaction

from ..models import InboundEvent, InboundEventState
from .envelope import moment
from .handlers import HANDLERS
from .tasks import webhook_dispatch


def inbound_event_record(
    *, envelope: dict[str, Any], verification: str, delivery_id: str = ""
) -> tuple[InboundEvent, bool]:
    """The stored event and whether this delivery created it. A duplicate (even a concurrent one) changes nothing.

    The insert comes first and the unique ``event_id`` decides: on PostgreSQL a concurrent duplicate waits for
    the first insert to commit and then fails, on SQLite writes are serialised; either way it lands here.
    """
    event_id = str(envelope["id"]).strip()
    event = str(envelope["event"]).strip()
    known = event in HANDLERS
    community_id = envelope.get("communityId")
    try:
        with transaction.atomic():
            inbound = InboundEvent.objects.create(
                event_id=event_id,
                event=event,
                community_id=str(community_id)[:64] if isinstance(community_id, str | int) else "",
                created_at_remote=moment(envelope, "createdAt"),
                verification=verification,
                delivery_id=delivery_id[:100],
                payload=envelope,
                state=InboundEventState.RECEIVED if known else InboundEventState.IGNORED,
                result="" if known else "unknown event: stored, not processed",
            )
    except IntegrityError:
        existing = InboundEvent.objects.filter(event_id=event_id).first()
        if existing is None:
            raise
        return existing, False
    if known:
        transaction.on_commit(partial(webhook_dispatch, inbound.pk))
    return inbound, True
