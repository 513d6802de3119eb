"""Decision deadlines: a wait opens when a permit is (re)submitted or an extension is asked for, the
decision closes it, and a periodic job records the reminder and the escalation of each wait once.

The clock stops while changes are requested (the wait is closed by that decision) and a fresh wait,
with the community's full allowance, starts on resubmission. The working-time arithmetic is
``portal.core.working_time``; the community's calendar is ``portal.core.working_calendar``.
Who hears of the events (managers, leads) is the notifications layer's business.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from portal.core.actors import Actor
from portal.core.events import domain_service, event_record
from portal.core.local_time import community_today
from portal.core.working_calendar import community_calendar
from portal.core.working_time import deadline, reminder_moment, working_seconds_between

from ..choices import DecisionOutcome, DecisionStage, PermitStatus
from ..models import Permit, PermitDecision
from ..transitions import Move

REMIND_AT_SHARE = 0.75  # "close to its deadline": three quarters of the working time allowed have passed
DEADLINE_ACTOR = Actor.system("decision deadlines")
DUE_SOON = "permits.permit.decision_due_soon"
OVERDUE = "permits.permit.decision_overdue"
JOB_BATCH = 500

STAGE_SETTINGS = {
    DecisionStage.PERMIT: ("decision_deadline", "decision_deadline_unit"),
    DecisionStage.EXTENSION: ("extension_deadline", "extension_deadline_unit"),
}
MOVE_OUTCOMES = {
    Move.APPROVE: DecisionOutcome.APPROVED,
    Move.REJECT: DecisionOutcome.REJECTED,
    Move.REQUEST_CHANGES: DecisionOutcome.CHANGES_REQUESTED,
    Move.EXTEND: DecisionOutcome.EXTENDED,
    Move.CANCEL: DecisionOutcome.WITHDRAWN,
    Move.REVOKE: DecisionOutcome.WITHDRAWN,
    Move.EXPIRE: DecisionOutcome.WITHDRAWN,
    Move.ARCHIVE: DecisionOutcome.WITHDRAWN,
}
EXTENSION_STATUSES = (PermitStatus.APPROVED, PermitStatus.ACTIVE)


def decision_open(permit: Permit, stage: str, *, now: datetime.datetime) -> PermitDecision:
    """Start the clock of a decision on ``permit`` (locked by the caller; the caller saves it)."""
    decision_close(permit, DecisionOutcome.WITHDRAWN, now=now)  # a new wait replaces any earlier one
    community = permit.community
    calendar = community_calendar(community, since=(now - datetime.timedelta(days=1)).date())
    amount_field, unit_field = STAGE_SETTINGS[stage]
    due = deadline(calendar, now, getattr(community, amount_field), getattr(community, unit_field))
    decision = PermitDecision.objects.create(
        permit=permit,
        community=community,
        stage=stage,
        started_at=now,
        due_at=due,
        remind_at=reminder_moment(calendar, now, due, REMIND_AT_SHARE),
    )
    permit.decision_due_at = due
    return decision


def decision_close(permit: Permit, outcome: str, *, now: datetime.datetime) -> None:
    """Stop the clock of the wait ``permit`` is in, if any, with ``outcome`` (the caller saves the permit)."""
    if permit.decision_due_at is None:
        return
    permit.decision_due_at = None
    waits = list(PermitDecision.objects.filter(permit=permit, decided_at__isnull=True))
    if not waits:
        return
    calendar = community_calendar(permit.community, since=min(w.started_at for w in waits).date())
    for wait in waits:
        wait.decided_at, wait.outcome = now, outcome
        if outcome != DecisionOutcome.WITHDRAWN:
            wait.decided_month = community_today(permit.community, now).replace(day=1)
            wait.elapsed_seconds = max(0, int((now - wait.started_at).total_seconds()))
            wait.working_seconds = working_seconds_between(calendar, wait.started_at, now)
    PermitDecision.objects.bulk_update(
        waits, ["decided_at", "outcome", "decided_month", "elapsed_seconds", "working_seconds"]
    )


def decision_follow_move(permit: Permit, move: Move, *, now: datetime.datetime) -> dict:
    """Open or close the wait a lifecycle move starts or ends; returns what the move's event should add."""
    if move == Move.SUBMIT:
        wait = decision_open(permit, DecisionStage.PERMIT, now=now)
        return {"decide_by": wait.due_at.isoformat()}
    if move in MOVE_OUTCOMES:
        decision_close(permit, MOVE_OUTCOMES[move], now=now)
    return {}


# --- the periodic job ---------------------------------------------------------------------------


@dataclass
class DeadlineRun:
    reminded: int = 0
    escalated: int = 0
    closed: int = 0


def decisions_check_deadlines(*, now: datetime.datetime | None = None) -> DeadlineRun:
    """Close waits that ended without a move, then record each due reminder and escalation once."""
    now = now or timezone.now()
    run = DeadlineRun(closed=decisions_close_stale(now=now))
    open_waits = PermitDecision.objects.filter(decided_at__isnull=True)
    for pk in (
        open_waits.filter(reminded_at__isnull=True, remind_at__lte=now)
        .order_by("remind_at")
        .values_list("pk", flat=True)[:JOB_BATCH]
    ):
        run.reminded += decision_remind(decision_id=pk, now=now)
    for pk in (
        open_waits.filter(escalated_at__isnull=True, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:JOB_BATCH]
    ):
        run.escalated += decision_escalate(decision_id=pk, now=now)
    return run


def decisions_close_stale(*, now: datetime.datetime) -> int:
    """Waits whose permit no longer waits (expired in bulk, say): closed as "no longer waiting"."""
    stale = PermitDecision.objects.filter(decided_at__isnull=True).filter(
        (Q(stage=DecisionStage.PERMIT) & ~Q(permit__status=PermitStatus.SUBMITTED))
        | (
            Q(stage=DecisionStage.EXTENSION)
            & (Q(permit__extension_requested_till__isnull=True) | ~Q(permit__status__in=EXTENSION_STATUSES))
        )
    )
    permit_ids = list(stale.values_list("permit_id", flat=True)[:JOB_BATCH])
    if not permit_ids:
        return 0
    closed = stale.filter(permit_id__in=permit_ids).update(decided_at=now, outcome=DecisionOutcome.WITHDRAWN)
    still_open = PermitDecision.objects.filter(permit=OuterRef("pk"), decided_at__isnull=True)
    Permit.objects.filter(pk__in=permit_ids).exclude(Exists(still_open)).update(decision_due_at=None)
    return closed


@domain_service
def decision_remind(*, decision_id: int, now: datetime.datetime) -> bool:
    """The decision is close to its deadline: recorded once per wait (``permits.permit.decision_due_soon``)."""
    return _record_once(decision_id, "reminded_at", DUE_SOON, now)


@domain_service
def decision_escalate(*, decision_id: int, now: datetime.datetime) -> bool:
    """The decision is overdue: recorded once per wait (``permits.permit.decision_overdue``)."""
    return _record_once(decision_id, "escalated_at", OVERDUE, now)


def _record_once(decision_id: int, mark: str, action: str, now: datetime.datetime) -> bool:
    claimed = PermitDecision.objects.filter(pk=decision_id, decided_at__isnull=True, **{f"{mark}__isnull": True})
    if not claimed.update(**{mark: now}):
        return False  # decided meanwhile, or another run recorded it
    wait = PermitDecision.objects.select_related("permit__community").get(pk=decision_id)
    permit = wait.permit
    event_record(
        actor=DEADLINE_ACTOR,
        target=permit,
        action=action,
        community=permit.community,
        from_status=permit.status,
        to_status=permit.status,
        data={
            "stage": wait.stage,
            "decision": wait.pk,
            "started_at": wait.started_at.isoformat(),
            "due_at": wait.due_at.isoformat(),
        },
    )
    return True
