"""Writes to the outbox outside a send: the relay, and the retries an admin asks for."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone

from permits.models import Permit
from portal.core.actors import Actor
from portal.core.events import event_record

from . import policy, selectors
from .dispatch import dispatch, dispatch_next_on_commit, dispatch_on_commit
from .models import DeliveryState, OutboundDelivery

logger = logging.getLogger(__name__)
RECLAIMED_NOTE = "The worker was lost between the call and its record; sent again."


@dataclass
class RelayReport:
    reclaimed: int = 0
    due: int = 0
    dispatched: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def delivery_relay() -> RelayReport:
    """Hand due rows to the broker again (broker down at commit, countdown lost) and reclaim lost sends.

    A row whose task the broker took is handed over again only once that task is presumed lost: not picked up
    within ``DELIVERY_STUCK_SENDING_SECONDS`` of being due, the horizon after which a send is presumed lost too.

    Only rows first open in their sequence are sent; the others follow when their predecessor
    succeeds. One batch per run, a few indexed queries.
    """
    now = timezone.now()
    limits = policy.limits()
    report = RelayReport(reclaimed=deliveries_reclaim_stuck(now=now, older_than=limits.stuck_sending_seconds))
    ids = list(
        selectors.due_heads(
            now, untouched_for=limits.relay_grace_seconds, handed_over_within=limits.stuck_sending_seconds
        ).values_list("pk", flat=True)[: limits.relay_batch]
    )
    report.due = len(ids)
    if ids:
        # Touched rows are left alone for a grace period: their task is on its way.
        OutboundDelivery.objects.filter(pk__in=ids, state=DeliveryState.PENDING).update(updated_at=now)
    report.dispatched = sum(dispatch(pk) for pk in ids)
    if report.reclaimed or report.due:
        logger.info("delivery relay: %s", report.as_dict())
    return report


def deliveries_reclaim_stuck(*, now=None, older_than: float | None = None) -> int:
    """Rows "sending" for too long lost their worker: they go back to pending, due at once."""
    now = now or timezone.now()
    older_than = policy.limits().stuck_sending_seconds if older_than is None else older_than
    # updated_at is left as it was, so the relay sends them in this very run.
    return selectors.stuck_sending(now, older_than=older_than).update(
        state=DeliveryState.PENDING,
        next_attempt_at=now,
        dispatched_at=None,
        last_error=RECLAIMED_NOTE,
        error_kind="reclaimed",
    )


@transaction.atomic
def delivery_retry(*, ids: Iterable[int], actor: Actor | None = None) -> list[int]:
    """Try failed rows again now, with a fresh budget of attempts; returns the ids that were failed."""
    now = timezone.now()

    def send_again(row: OutboundDelivery) -> None:
        row.state, row.next_attempt_at, row.attempt_count, row.result = DeliveryState.PENDING, now, 0, {}
        row.save(update_fields=["state", "next_attempt_at", "attempt_count", "result", "updated_at"])
        dispatch_on_commit(row.pk)

    return _move_failed(
        ids,
        actor=actor or Actor.system("delivery retry"),
        action="integrations.delivery.retried",
        to_state=DeliveryState.PENDING,
        reason=None,
        apply=send_again,
    )


@transaction.atomic
def delivery_abandon(*, ids: Iterable[int], actor: Actor, reason: str) -> list[int]:
    """Give up on failed rows an admin has dealt with by hand: the rows behind them in their sequence go."""
    now = timezone.now()

    def give_up(row: OutboundDelivery) -> None:
        row.state, row.completed_at = DeliveryState.ABANDONED, now
        row.save(update_fields=["state", "completed_at", "updated_at"])
        dispatch_next_on_commit(row.sequence_key)

    return _move_failed(
        ids,
        actor=actor,
        action="integrations.delivery.abandoned",
        to_state=DeliveryState.ABANDONED,
        reason=(reason or "").strip() or "Given up by an administrator.",
        apply=give_up,
    )


def _move_failed(ids, *, actor: Actor, action: str, to_state: str, reason: str | None, apply) -> list[int]:
    """Lock the failed rows among ``ids``, audit each move (the reason defaults to its last error), apply it."""
    rows = list(
        OutboundDelivery.objects.select_for_update()
        .select_related("community")
        .filter(pk__in=list(ids), state=DeliveryState.FAILED)
        .order_by("pk")
    )
    for row in rows:
        event_record(
            actor=actor,
            target=row,
            action=action,
            community=row.community,
            from_status=row.state,
            to_status=to_state,
            reason=reason if reason is not None else row.last_error[:500],
        )
        apply(row)
    return [row.pk for row in rows]


def deliveries_retry_failed(*, community_ids: Iterable[int] | None, actor: Actor | None = None) -> list[int]:
    """ "Retry all failed" of the admin: every failed row of these communities (``None``: all of them)."""
    ids = list(selectors.failed_deliveries(community_ids).values_list("pk", flat=True))
    return delivery_retry(ids=ids, actor=actor) if ids else []


@transaction.atomic
def deliveries_wake_waiting(*, contractor_id: int, community_id: int, subscriber: str, operation: str) -> list[int]:
    """A partner approved a contractor: its permits' ``operation`` rows that were waiting for it go now.

    For the partner's "contractor approved" webhook; without it they still go at their next try.
    """
    permit_ids = Permit.objects.filter(contractor_id=contractor_id, community_id=community_id).values_list(
        "pk", flat=True
    )
    rows = OutboundDelivery.objects.select_for_update().filter(
        state=DeliveryState.PENDING,
        subscriber=subscriber,
        operation=operation,
        community_id=community_id,
        target_type="permit",
        target_id__in=[str(pk) for pk in permit_ids],
    )
    woken = list(rows.values_list("pk", flat=True))
    if woken:
        OutboundDelivery.objects.filter(pk__in=woken).update(next_attempt_at=timezone.now())
        for pk in woken:
            dispatch_on_commit(pk)
    return woken
