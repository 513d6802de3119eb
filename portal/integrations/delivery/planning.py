"""What a subscriber writes when it receives domain events: its delivery rows, in the event's transaction.

Each row is handed to a worker once the transaction commits; rows of one sequence key go in id
order. A subscriber's keys start with its own name, so subscribers never wait for each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.core.bulk import objects_insert, objects_new
from portal.core.models import AuditEvent

from .dispatch import dispatch_many
from .models import OutboundDelivery


@dataclass(frozen=True)
class Planned:
    """One operation a subscriber must carry out for one target."""

    operation: str
    target_type: str
    target_id: int | str
    community_id: int
    sequence: str  # the aggregate whose order it keeps, e.g. "permit:42"
    event: AuditEvent | None = None
    params: dict = field(default_factory=dict)


def deliveries_plan(subscriber: str, planned: Sequence[Planned]) -> list[OutboundDelivery]:
    """Write the rows (one insert) and hand them to the broker after commit."""
    if not planned:
        return []
    now = timezone.now()
    rows = objects_insert(
        objects_new(
            OutboundDelivery,
            [
                {
                    "subscriber": subscriber,
                    "operation": item.operation,
                    "event_id": item.event.pk if item.event is not None else None,
                    "community_id": item.community_id,
                    "target_type": item.target_type,
                    "target_id": str(item.target_id),
                    "sequence_key": sequence_key(subscriber, item.sequence),
                    "params": item.params,
                    "next_attempt_at": now,
                }
                for item in planned
            ],
        )
    )
    if settings.OUTBOX_DISPATCH:
        ids = [row.pk for row in rows if row.pk is not None]
        transaction.on_commit(lambda: dispatch_many(ids))
    return rows


def sequence_key(subscriber: str, aggregate: str) -> str:
    return f"{subscriber}:{aggregate}"


def events_of(events: Sequence[AuditEvent], *actions: str, echo_of: str = "") -> list[AuditEvent]:
    """The events among ``events`` with one of ``actions``, leaving out those ``echo_of`` (an actor label) caused."""
    wanted = set(actions)
    return [event for event in events if event.action in wanted and (not echo_of or event.actor_label != echo_of)]
