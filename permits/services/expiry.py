"""The expiry sweep: every approved or active permit whose validity has ended becomes expired.

Set-based, one transaction per batch, a fixed number of queries per batch whatever its size:

1. select the due ids (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two sweeps take disjoint
   rows; SQLite runs the portal's transactions as ``BEGIN IMMEDIATE``, one writer at a time);
2. one ``UPDATE … WHERE id IN batch AND status IN sources RETURNING id``: only the rows this
   sweep really moved are audited, whatever ran in between;
3. one bulk insert of the audit events (one per permit, as ``permit_expire`` writes);
4. one select of the parked vehicles and one bulk insert of their OPS-COM ``parking.delete`` rows.

On SQLite Django splits a bulk insert every 999 parameters (about 60 rows). PostgreSQL does each
batch in one statement (``_expire_batch_postgresql``): a ``FOR UPDATE SKIP LOCKED`` selection, the
guarded ``UPDATE … RETURNING``, the audit events and the parking deletes as data-modifying CTEs.

The delivery rows are handed to the broker after commit, at most ``DISPATCH_LIMIT`` per batch and
stopping at the first broker failure: the delivery relay (every 30 s, ``integrations.delivery_relay``)
sends every pending row it finds, so a large sweep or a broker outage only delays them.
``permit_expire`` stays the one-permit path (admin, tests).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portal.core.actors import Actor
from portal.core.choices import DeliveryState, Operation, Partner
from portal.core.models import AuditEvent, OutboundDelivery
from portal.core.services import delivery_dispatch

from ..choices import PermitStatus
from ..models import Permit, Vehicle
from ..transitions import TRANSITIONS, Move
from ._common import LIVE_PARKING_STATES, MOVE_EVENTS

EXPIRE_SOURCES, EXPIRED = TRANSITIONS[Move.EXPIRE]
EXPIRY_ACTOR = Actor.system("expiry sweep")
EXPIRED_ACTION = f"permits.permit.{MOVE_EVENTS[Move.EXPIRE]}"
DISPATCH_LIMIT = 500


@dataclass(frozen=True)
class _Due:
    pk: int
    status: str
    community_id: int
    valid_till: datetime.datetime


def permits_expire_due(
    *, now: datetime.datetime | None = None, batch_size: int = 5000, progress: Callable[[int], None] | None = None
) -> int:
    """Expire every permit due at ``now``; returns how many this call expired."""
    now = now or timezone.now()
    expire_batch = _expire_batch_postgresql if connection.vendor == "postgresql" else _expire_batch
    total = 0
    while True:
        selected, expired = expire_batch(now, batch_size)
        total += expired
        if progress is not None:
            progress(total)
        if selected < batch_size:
            return total


def permits_due_count(*, now: datetime.datetime | None = None) -> int:
    return Permit.objects.filter(status__in=EXPIRE_SOURCES, valid_till__lte=now or timezone.now()).count()


@transaction.atomic
def _expire_batch(now: datetime.datetime, batch_size: int) -> tuple[int, int]:
    due = _select_due(now, batch_size)
    if not due:
        return 0, 0
    moved = _update_returning([item.pk for item in due], timezone.now())
    expired = [item for item in due if item.pk in moved]
    if expired:
        _write_audit_events(expired)
        _enqueue_parking_deletes(expired)
    return len(due), len(expired)


def _select_due(now: datetime.datetime, batch_size: int) -> list[_Due]:
    rows = (
        Permit.objects.select_for_update(skip_locked=True)
        .filter(status__in=EXPIRE_SOURCES, valid_till__lte=now)
        .order_by("valid_till", "pk")
        .values_list("pk", "status", "community_id", "valid_till")[:batch_size]
    )
    return [_Due(*row) for row in rows]


def _update_returning(ids: list[int], moment: datetime.datetime) -> set[int]:
    """One UPDATE guarded by the table's sources; the ids it really changed."""
    table = connection.ops.quote_name(Permit._meta.db_table)
    sources = sorted(EXPIRE_SOURCES)
    column = {name: connection.ops.quote_name(Permit._meta.get_field(name).column) for name in _COLUMNS}
    sql = (
        f"UPDATE {table} SET {column['status']} = %s, {column['status_changed_at']} = %s, {column['updated_at']} = %s "
        f"WHERE {column['id']} IN ({', '.join(['%s'] * len(ids))}) "
        f"AND {column['status']} IN ({', '.join(['%s'] * len(sources))}) RETURNING {column['id']}"
    )
    stamp = connection.ops.adapt_datetimefield_value(moment)
    with connection.cursor() as cursor:
        cursor.execute(sql, [EXPIRED, stamp, stamp, *ids, *sources])
        return {row[0] for row in cursor.fetchall()}


_COLUMNS = ("id", "status", "status_changed_at", "updated_at")


def _write_audit_events(expired: list[_Due]) -> None:
    at = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            at=at,
            actor=None,
            actor_label=EXPIRY_ACTOR.label,
            community_id=item.community_id,
            target_type=Permit._meta.model_name,
            target_id=str(item.pk),
            action=EXPIRED_ACTION,
            from_status=item.status,
            to_status=PermitStatus.EXPIRED,
            reason="The permit's validity ended.",
            data={"valid_till": item.valid_till.isoformat()},
        )
        for item in expired
    )


def _enqueue_parking_deletes(expired: list[_Due]) -> None:
    """``release_parking`` for the whole batch: one select, one insert."""
    community_of = {item.pk: item.community_id for item in expired}
    vehicles = Vehicle.objects.filter(
        permit_id__in=list(community_of), removed_at__isnull=True, parking_state__in=LIVE_PARKING_STATES
    ).values_list("pk", "permit_id")
    at = timezone.now()
    rows = OutboundDelivery.objects.bulk_create(
        OutboundDelivery(
            partner=Partner.OPSCOM,
            operation=Operation.PARKING_DELETE,
            community_id=community_of[permit_id],
            target_type=Vehicle._meta.model_name,
            target_id=str(vehicle_id),
            sequence_key=f"vehicle:{vehicle_id}",
            params={},
            next_attempt_at=at,
        )
        for vehicle_id, permit_id in vehicles
    )
    if rows and settings.OUTBOX_DISPATCH:
        ids = [row.pk for row in rows if row.pk is not None]
        transaction.on_commit(lambda: _dispatch(ids))


def _dispatch(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids[:DISPATCH_LIMIT]:
        if not delivery_dispatch(delivery_id):
            return  # the broker is down: the relay picks up the rest


def _columns(model, *names: str) -> list[str]:
    return [connection.ops.quote_name(model._meta.get_field(name).column) for name in names]


# The audit event's ``data`` as ``permit_expire`` writes it: ``{"valid_till": valid_till.isoformat()}`` in UTC.
_ISO_UTC = (
    "to_char(moved.valid_till AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') "
    "|| CASE WHEN extract(microseconds FROM moved.valid_till)::bigint %% 1000000 <> 0 "
    "THEN '.' || to_char(moved.valid_till AT TIME ZONE 'UTC', 'US') ELSE '' END || '+00:00'"
)


@transaction.atomic
def _expire_batch_postgresql(now: datetime.datetime, batch_size: int) -> tuple[int, int]:
    """One statement per batch: the same rows, audit events and parking deletes as ``_expire_batch``."""
    quote = connection.ops.quote_name
    permit, audit, delivery, vehicle = (
        quote(m._meta.db_table) for m in (Permit, AuditEvent, OutboundDelivery, Vehicle)
    )
    p_id, p_status, p_changed, p_updated, p_community, p_till = _columns(
        Permit, "id", "status", "status_changed_at", "updated_at", "community", "valid_till"
    )
    audit_columns = ", ".join(
        _columns(
            AuditEvent,
            "at",
            "actor",
            "actor_label",
            "community",
            "target_type",
            "target_id",
            "action",
            "from_status",
            "to_status",
            "reason",
            "data",
        )
    )
    delivery_columns = ", ".join(
        _columns(
            OutboundDelivery,
            "partner",
            "operation",
            "community",
            "target_type",
            "target_id",
            "sequence_key",
            "params",
            "state",
            "attempt_count",
            "next_attempt_at",
            "last_error",
            "error_kind",
            "result",
            "created_at",
            "updated_at",
        )
    )
    v_id, v_permit, v_removed, v_state = _columns(Vehicle, "id", "permit", "removed_at", "parking_state")
    sources = sorted(EXPIRE_SOURCES)
    states = sorted(LIVE_PARKING_STATES)
    marks = ", ".join(["%s"] * len(sources))
    sql = f"""
        WITH due AS (
            SELECT {p_id} AS id, {p_status} AS status FROM {permit}
            WHERE {p_status} IN ({marks}) AND {p_till} <= %s
            LIMIT %s
            FOR UPDATE SKIP LOCKED
        ), moved AS (
            UPDATE {permit} AS p SET {p_status} = %s, {p_changed} = %s, {p_updated} = %s
            FROM due WHERE p.{p_id} = due.id AND p.{p_status} IN ({marks})
            RETURNING p.{p_id} AS id, due.status AS from_status, p.{p_community} AS community_id,
                p.{p_till} AS valid_till
        ), audited AS (
            INSERT INTO {audit} ({audit_columns})
            SELECT %s, NULL, %s, moved.community_id, %s, moved.id::text, %s, moved.from_status, %s, %s,
                jsonb_build_object('valid_till', {_ISO_UTC})
            FROM moved
        ), parked AS (
            INSERT INTO {delivery} ({delivery_columns})
            SELECT %s, %s, moved.community_id, %s, v.{v_id}::text, %s || v.{v_id}::text, '{{}}'::jsonb, %s, 0, %s,
                '', '', '{{}}'::jsonb, %s, %s
            FROM {vehicle} AS v JOIN moved ON v.{v_permit} = moved.id
            WHERE v.{v_removed} IS NULL AND v.{v_state} IN ({", ".join(["%s"] * len(states))})
            RETURNING id
        )
        SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM moved),
            COALESCE((SELECT array_agg(id ORDER BY id) FROM parked), '{{}}')
    """
    moment = timezone.now()
    params = [
        *sources,
        now,
        batch_size,
        EXPIRED,
        moment,
        moment,
        *sources,
        moment,
        EXPIRY_ACTOR.label,
        Permit._meta.model_name,
        EXPIRED_ACTION,
        PermitStatus.EXPIRED,
        "The permit's validity ended.",
        Partner.OPSCOM,
        Operation.PARKING_DELETE,
        Vehicle._meta.model_name,
        "vehicle:",
        DeliveryState.PENDING,
        moment,
        moment,
        moment,
        *states,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(value) if hasattr(value, "label") else value for value in params])
        selected, expired, delivery_ids = cursor.fetchone()
    if delivery_ids and settings.OUTBOX_DISPATCH:
        ids = list(delivery_ids)
        transaction.on_commit(lambda: _dispatch(ids))
    return selected, expired
