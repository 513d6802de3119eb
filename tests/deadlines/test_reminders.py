"""The reminder (managers) and the escalation (team leads) fire once each per wait, never for a permit
decided in time, and not while changes are requested; a resubmission starts a fresh wait.

The estate (``conftest``) gives 2 working days, office 07:00–19:00 Dubai, weekend Saturday–Sunday.
Submitted Monday 7 December 10:00: received that day, due Wednesday 9 at 19:00. The working time
allowed is 9 h (Monday) + 12 h + 12 h = 33 h; the reminder comes after three quarters, 24.75 h:
Wednesday 10:45.
"""

from __future__ import annotations

import datetime

from permits import services
from permits.choices import DecisionOutcome
from permits.models import Permit, PermitDecision
from permits.services.deadlines import decisions_check_deadlines
from portal.core.models import AuditEvent
from portal.integrations.notifications.models import Notification

from .conftest import ACTOR, at, dubai

MONDAY_10 = dubai(12, 7, 10)
DUE = dubai(12, 9, 19)
REMINDER = dubai(12, 9, 10, 45)


def check(when: datetime.datetime):
    with at(when):
        return decisions_check_deadlines()


def notified(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def deadline_events(permit) -> list[str]:
    rows = AuditEvent.objects.filter(target_id=str(permit.pk), action__startswith="permits.permit.decision_")
    return list(rows.order_by("at", "id").values_list("action", flat=True))


def test_the_deadline_is_kept_on_the_permit_and_in_the_submission_event(estate):
    permit = estate.submitted(MONDAY_10)
    assert permit.decision_due_at == DUE
    event = AuditEvent.objects.get(target_id=str(permit.pk), action="permits.permit.submitted")
    assert datetime.datetime.fromisoformat(event.data["decide_by"]) == DUE
    wait = PermitDecision.objects.get(permit=permit)
    assert (wait.started_at, wait.due_at, wait.remind_at) == (MONDAY_10, DUE, REMINDER)


def test_reminder_then_escalation_each_once(estate):
    permit = estate.submitted(MONDAY_10)
    assert check(REMINDER - datetime.timedelta(minutes=1)).reminded == 0
    assert check(REMINDER).reminded == 1
    assert check(REMINDER + datetime.timedelta(hours=1)).reminded == 0
    assert notified("approval_deadline") == ["lead", "pm"]  # every manager of the community; the lead is one
    assert notified("approval_overdue") == []
    assert check(DUE - datetime.timedelta(seconds=1)).escalated == 0
    assert check(DUE).escalated == 1
    assert check(DUE + datetime.timedelta(days=2)).escalated == 0
    assert notified("approval_overdue") == ["lead"]  # not the other community's lead, not the manager
    assert notified("approval_deadline") == ["lead", "pm"]
    assert deadline_events(permit) == ["permits.permit.decision_due_soon", "permits.permit.decision_overdue"]
    headline = Notification.objects.get(kind="approval_overdue")
    assert datetime.datetime.fromisoformat(headline.data["deadline"]) == DUE


def test_nothing_fires_for_a_permit_decided_in_time(estate):
    permit = estate.submitted(MONDAY_10)
    with at(dubai(12, 9, 10)):
        services.permit_approve(actor=ACTOR, permit=permit)
    check(REMINDER)
    check(DUE + datetime.timedelta(days=3))
    assert deadline_events(permit) == []
    assert notified("approval_deadline") == notified("approval_overdue") == []
    wait = PermitDecision.objects.get(permit=permit)
    assert wait.outcome == DecisionOutcome.APPROVED
    assert wait.working_seconds == (9 + 12 + 3) * 3600  # Monday 10–19, Tuesday 7–19, Wednesday 7–10
    assert wait.elapsed_seconds == 48 * 3600
    assert Permit.objects.get(pk=permit.pk).decision_due_at is None
    assert wait.decided_month == datetime.date(2026, 12, 1)


def test_a_decision_counts_in_the_month_of_the_community_clock(estate):
    permit = estate.submitted(dubai(11, 30, 10))
    with at(datetime.datetime(2026, 11, 30, 21, 30, tzinfo=datetime.UTC)):  # 1 December, 01:30 in Dubai
        services.permit_reject(actor=ACTOR, permit=permit, reason="Wrong unit.")
    wait = PermitDecision.objects.get(permit=permit)
    assert (wait.outcome, wait.decided_month) == (DecisionOutcome.REJECTED, datetime.date(2026, 12, 1))
    assert wait.working_seconds == 9 * 3600  # Monday 30 November 10:00–19:00; the night does not count


def test_the_clock_stops_while_changes_are_requested_and_restarts_on_resubmission(estate):
    permit = estate.submitted(MONDAY_10)
    with at(dubai(12, 8, 10)):
        services.permit_request_changes(actor=ACTOR, permit=permit, note="Add the second worker.")
    assert Permit.objects.get(pk=permit.pk).decision_due_at is None
    assert check(DUE + datetime.timedelta(days=2)).reminded == 0  # long past the first deadline: silence
    assert deadline_events(permit) == []
    with at(dubai(12, 14, 10)):  # resubmitted the next Monday: a fresh wait, due Wednesday 16 at 19:00
        permit = services.permit_submit(actor=ACTOR, permit=permit)
    assert permit.decision_due_at == dubai(12, 16, 19)
    assert check(dubai(12, 16, 10, 44)).reminded == 0
    run = check(dubai(12, 16, 19))
    assert (run.reminded, run.escalated) == (1, 1)
    assert (check(dubai(12, 17, 9)).reminded, check(dubai(12, 17, 9)).escalated) == (0, 0)
    assert deadline_events(permit) == ["permits.permit.decision_due_soon", "permits.permit.decision_overdue"]
    first, second = PermitDecision.objects.filter(permit=permit).order_by("started_at")
    assert first.outcome == DecisionOutcome.CHANGES_REQUESTED and first.reminded_at is None
    assert second.outcome == "" and second.escalated_at == dubai(12, 16, 19)


def test_an_extension_request_has_its_own_deadline_and_escalation(estate):
    with at(dubai(12, 1, 9)):
        permit = services.permit_approve(actor=ACTOR, permit=estate.submitted(dubai(12, 1, 9)))
    assert permit.decision_due_at is None
    with at(dubai(12, 3, 18)):  # Thursday 18:00: one working day is Friday, 19:00
        permit = services.permit_request_extension(
            actor=ACTOR, permit=permit, valid_till=permit.valid_till + datetime.timedelta(days=7)
        )
    assert permit.decision_due_at == dubai(12, 4, 19)
    run = check(dubai(12, 4, 19))
    assert (run.reminded, run.escalated) == (1, 1)
    overdue = Notification.objects.get(kind="approval_overdue")
    assert overdue.data["variant"] == "extension"
    from portal.integrations.notifications.messages import headline

    assert headline(overdue.kind, overdue.data).startswith("Overdue: the extension of work permit")


def test_a_wait_that_ends_without_a_decision_is_closed_quietly(estate):
    permit = estate.submitted(MONDAY_10)
    Permit.objects.filter(pk=permit.pk).update(status="cancelled")  # as a bulk sweep would
    run = check(DUE + datetime.timedelta(days=1))
    assert (run.closed, run.reminded, run.escalated) == (1, 0, 0)
    assert Permit.objects.get(pk=permit.pk).decision_due_at is None
    assert PermitDecision.objects.get(permit=permit).outcome == DecisionOutcome.WITHDRAWN


def test_the_periodic_task_runs_the_job_and_is_scheduled(estate):
    from permits.tasks import check_decision_deadlines_task
    from portal.integrations.schedules import DEFAULT_SCHEDULES

    estate.submitted(MONDAY_10)
    with at(DUE):
        assert check_decision_deadlines_task() == {"reminded": 1, "escalated": 1, "closed": 0}
    with at(DUE):
        assert check_decision_deadlines_task() == {"reminded": 0, "escalated": 0, "closed": 0}
    [schedule] = [s for s in DEFAULT_SCHEDULES if s.task == "permits.check_decision_deadlines"]
    assert schedule.every_seconds == 300


def test_only_team_leads_are_offered_the_escalation(estate):
    from portal.integrations.notifications.kinds import kinds_for
    from portal.integrations.notifications.recipients import audiences_of

    lead_kinds = {kind.slug for kind in kinds_for(audiences_of(estate.lead))}
    manager_kinds = {kind.slug for kind in kinds_for(audiences_of(estate.manager))}
    assert {"approval_deadline", "approval_overdue"} <= lead_kinds
    assert "approval_deadline" in manager_kinds and "approval_overdue" not in manager_kinds


def test_a_declined_extension_is_a_decision_and_nothing_fires(estate):
    with at(dubai(12, 1, 9)):
        permit = services.permit_approve(actor=ACTOR, permit=estate.submitted(dubai(12, 1, 9)))
    with at(dubai(12, 3, 10)):
        permit = services.permit_request_extension(
            actor=ACTOR, permit=permit, valid_till=permit.valid_till + datetime.timedelta(days=7)
        )
    with at(dubai(12, 3, 12)):
        permit = services.permit_extension_decline(actor=ACTOR, permit=permit, reason="The tower is closed.")
    assert permit.decision_due_at is None
    run = check(dubai(12, 8, 9))
    assert (run.reminded, run.escalated, run.closed) == (0, 0, 0)
    wait = PermitDecision.objects.get(permit=permit, stage="extension")
    assert (wait.outcome, wait.working_seconds) == (DecisionOutcome.REJECTED, 2 * 3600)
