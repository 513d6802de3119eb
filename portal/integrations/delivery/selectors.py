"""Reads of the outbox shared by the sender, the relay, the admin and the dashboard."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BigIntegerField, Count, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from .models import OPEN_DELIVERY_STATES, DeliveryAttempt, DeliveryState, OutboundDelivery
from .outcome import CONFIGURATION, CONTINUED


def _earlier_open_rows() -> QuerySet:
    return OutboundDelivery.objects.filter(
        sequence_key=OuterRef("sequence_key"), pk__lt=OuterRef("pk"), state__in=OPEN_DELIVERY_STATES
    )


# _earlier_open_rows again, as SQL for the claim's locking SELECT: Django builds a correlated Subquery of it with
# more CPU than the separate SELECT it would save (about 1,600 Python calls a claim; this one about 250).
_FIRST_EARLIER_OPEN_SQL = (
    'SELECT earlier.id FROM "{table}" earlier WHERE earlier.sequence_key = "{table}".sequence_key '
    'AND earlier.id < "{table}".id AND earlier.state IN ({states}) ORDER BY earlier.id LIMIT 1'
).format(table=OutboundDelivery._meta.db_table, states=", ".join(["%s"] * len(OPEN_DELIVERY_STATES)))


def first_earlier_open_id() -> RawSQL:
    """Per row: the id of the first row of its sequence that must complete before it may go (None when none)."""
    states = tuple(str(state) for state in OPEN_DELIVERY_STATES)
    return RawSQL(_FIRST_EARLIER_OPEN_SQL, states, output_field=BigIntegerField())


def open_in_sequence(sequence_key: str) -> QuerySet:
    """The sequence's open rows in order, with only what ``dispatch_next`` reads (their state and when due)."""
    return (
        OutboundDelivery.objects.filter(sequence_key=sequence_key, state__in=OPEN_DELIVERY_STATES)
        .order_by("pk")
        .only("state", "next_attempt_at")
    )


def first_open_in_sequence(sequence_key: str) -> OutboundDelivery | None:
    """The sequence's head."""
    return open_in_sequence(sequence_key).first()


def earlier_try_unanswered(delivery: OutboundDelivery) -> bool:
    """Whether an earlier try of the row may have reached the partner without its answer reaching us.

    A call that got no answer or a 5xx may have been applied; so may a try whose worker was lost between
    the call and its record (claimed, so counted in ``attempt_count``, but never recorded).
    """
    attempts = DeliveryAttempt.objects.filter(delivery_id=delivery.pk)
    recorded_tries = attempts.exclude(outcome=CONTINUED).count()
    if delivery.attempt_count - 1 > recorded_tries:
        return True
    called = attempts.exclude(request_summary="")
    return called.filter(Q(status_code__isnull=True) | Q(status_code__gte=500)).exists()


def heads_among(ids: Iterable[int]) -> list[int]:
    """Those of ``ids`` that are open and first open in their sequence."""
    rows = OutboundDelivery.objects.filter(pk__in=list(ids), state__in=OPEN_DELIVERY_STATES)
    return list(rows.filter(~Exists(_earlier_open_rows())).values_list("pk", flat=True))


def due_heads(now: datetime.datetime, *, untouched_for: float = 0.0, handed_over_within: float = 0.0) -> QuerySet:
    """Pending rows that are due and first open in their sequence, oldest due first.

    ``untouched_for`` skips rows changed in the last seconds; ``handed_over_within`` skips rows whose task the
    broker took and was due at a worker in the last seconds: it may be queued behind others, and handing it
    over again under a backlog only lengthens the queue.
    """
    quiet_since = now - datetime.timedelta(seconds=untouched_for)
    handed_over_since = now - datetime.timedelta(seconds=handed_over_within)
    return (
        OutboundDelivery.objects.filter(state=DeliveryState.PENDING, updated_at__lte=quiet_since)
        .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=handed_over_since))
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
        .filter(~Exists(_earlier_open_rows()))
        .order_by("next_attempt_at", "pk")
    )


def stuck_sending(now: datetime.datetime, *, older_than: float) -> QuerySet:
    """Rows marked sending whose worker died between the call and the record."""
    return OutboundDelivery.objects.filter(
        state=DeliveryState.SENDING, updated_at__lt=now - datetime.timedelta(seconds=older_than)
    )


def failed_deliveries(community_ids: Iterable[int] | None = None) -> QuerySet:
    """Failed rows, of the given communities (``None``: every community)."""
    rows = OutboundDelivery.objects.filter(state=DeliveryState.FAILED)
    return rows if community_ids is None else rows.filter(community_id__in=list(community_ids))


def failed_row_ids(subscriber: str, target_type: str, target_ids: Iterable) -> list[int]:
    """The failed rows of one subscriber for these targets (to send again, or give up, once fixed)."""
    return list(
        OutboundDelivery.objects.filter(
            subscriber=subscriber,
            state=DeliveryState.FAILED,
            target_type=target_type,
            target_id__in=[str(pk) for pk in target_ids],
        ).values_list("pk", flat=True)
    )


def create_succeeded_with_noc(permit_id: int, *, subscriber: str = "buzzin", operation: str = "permit.create") -> int:
    """The NOC version number the permit's successful create carried (0 when unknown)."""
    results = OutboundDelivery.objects.filter(
        subscriber=subscriber,
        target_type="permit",
        target_id=str(permit_id),
        operation=operation,
        state=DeliveryState.SUCCEEDED,
    ).values_list("result", flat=True)
    return max((result.get("noc_version") or 0 for result in results if isinstance(result, dict)), default=0)


@dataclass(frozen=True)
class ConfigurationFault:
    """Deliveries one partner refused for one community because of credentials or settings."""

    subscriber: str
    partner_label: str
    community_id: int
    community_name: str
    count: int
    last_error: str
    last_seen: datetime.datetime
    latest_delivery_id: int


def configuration_faults(community_ids: Iterable[int] | None = None) -> list[ConfigurationFault]:
    """Failed deliveries caused by configuration (wrong key, token, client code, zone), grouped by partner
    and community, newest first: the admin dashboard shows these prominently, an admin must act."""
    rows = (
        failed_deliveries(community_ids)
        .filter(error_kind=CONFIGURATION)
        .select_related("community")
        .order_by("-updated_at", "-pk")
    )
    faults: dict[tuple[str, int], dict] = {}
    for row in rows.iterator():
        fault = faults.get((row.subscriber, row.community_id))
        if fault is None:
            faults[(row.subscriber, row.community_id)] = {
                "subscriber": row.subscriber,
                "partner_label": row.subscriber_label,
                "community_id": row.community_id,
                "community_name": row.community.name,
                "count": 1,
                "last_error": row.last_error,
                "last_seen": row.updated_at,
                "latest_delivery_id": row.pk,
            }
        else:
            fault["count"] += 1
    return [ConfigurationFault(**fault) for fault in faults.values()]


def permit_deliveries(permit_id: int, vehicle_ids: Iterable[int], limit: int = 200) -> list[OutboundDelivery]:
    """Every push about a permit and its vehicles, newest first."""
    rows = OutboundDelivery.objects.filter(
        Q(target_type="permit", target_id=str(permit_id))
        | Q(target_type="vehicle", target_id__in=[str(pk) for pk in vehicle_ids])
    )
    return list(rows.order_by("-id")[:limit])


# Monitoring (``portal.ops.metrics``): the only reads of the outbox outside this layer's own machinery.


def backlog_by_partner_and_state() -> dict[tuple[str, str], int]:
    """Open rows (pending, sending, failed) counted per partner and state, on the partial open-rows index."""
    rows = OutboundDelivery.objects.filter(state__in=OPEN_DELIVERY_STATES).values_list("subscriber", "state")
    counts = rows.annotate(count=Count("pk")).order_by()
    return {(subscriber, state): count for subscriber, state, count in counts}


def oldest_undelivered_at() -> datetime.datetime | None:
    """When the oldest change still waiting for (or failed at) its partner was recorded; None when none is."""
    return OutboundDelivery.objects.filter(state__in=OPEN_DELIVERY_STATES).aggregate(oldest=Min("created_at"))["oldest"]
