"""The relay (due rows, lost sends), the admin's retries, configuration faults, the tasks."""

from __future__ import annotations

import datetime

import pytest
from celery import current_app
from django.utils import timezone

from portal.core.models import AuditEvent
from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.delivery import services, tasks
from portal.integrations.delivery.dispatch import dispatch
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.delivery.selectors import configuration_faults
from tests.factories import CommunityFactory, UserFactory, permit_in_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(settings, monkeypatch):
    """A broker that records what it is handed."""
    settings.OUTBOX_DISPATCH = True
    sent: list[tuple[int, dict]] = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args, **options: sent.append((args[0], options)))
    return sent


def rows_of(permit) -> list[OutboundDelivery]:
    return list(OutboundDelivery.objects.filter(target_id=str(permit.pk), target_type="permit").order_by("pk"))


def test_the_relay_sends_due_rows_first_in_their_sequence_only(broker):
    permit = permit_in_status("approved")
    create, _ = rows_of(permit)
    later = permit_in_status("approved")
    later_create, _ = rows_of(later)
    OutboundDelivery.objects.filter(pk=later_create.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )

    report = services.delivery_relay()

    assert [delivery_id for delivery_id, _ in broker] == [create.pk]  # submit waits behind create; later not due
    assert (report.due, report.dispatched, report.reclaimed) == (1, 1, 0)


def test_the_relay_leaves_just_dispatched_rows_alone_for_a_grace_period(broker, settings):
    settings.DELIVERY_RELAY_GRACE_SECONDS = 60
    permit_in_status("approved")
    assert services.delivery_relay().due == 0  # just written: its own dispatch is on the way
    OutboundDelivery.objects.update(updated_at=timezone.now() - datetime.timedelta(minutes=5))
    assert services.delivery_relay().dispatched == 1
    assert services.delivery_relay().due == 0  # touched by the previous run


def test_the_relay_hands_a_row_over_again_only_once_its_task_is_presumed_lost(broker, settings):
    """Under a backlog the commit's task waits in the queue longer than the grace period; handing the row over
    again each relay run doubled the queue (seen in the scale-out run). Only a task not picked up within the
    stuck-sending horizon of being due is presumed lost."""
    settings.DELIVERY_RELAY_GRACE_SECONDS = 30
    settings.DELIVERY_STUCK_SENDING_SECONDS = 600
    create, _ = rows_of(permit_in_status("approved"))
    assert dispatch(create.pk) is True  # what the commit does
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    OutboundDelivery.objects.filter(pk=create.pk).update(updated_at=long_ago)
    assert services.delivery_relay().due == 0  # its task is still queued
    OutboundDelivery.objects.filter(pk=create.pk).update(dispatched_at=timezone.now() - datetime.timedelta(minutes=11))
    assert services.delivery_relay().dispatched == 1
    assert [delivery_id for delivery_id, _ in broker] == [create.pk, create.pk]


def test_every_duration_of_the_policy_follows_one_time_factor(settings):
    from portal.integrations.delivery import policy

    settings.DELIVERY_TIME_SCALE = 0.05  # any factor
    settings.BUZZIN_TIMEOUT_SECONDS = 15
    settings.DELIVERY_BACKOFF_BASE_SECONDS, settings.DELIVERY_BACKOFF_MAX_SECONDS = 5, 3600
    settings.DELIVERY_STUCK_SENDING_SECONDS, settings.DELIVERY_RELAY_GRACE_SECONDS = 600, 30
    limits = policy.limits()
    assert (limits.base_seconds, limits.max_seconds) == pytest.approx((0.25, 180.0))
    assert (limits.stuck_sending_seconds, limits.relay_grace_seconds) == pytest.approx((30.0, 1.5))
    assert limits.max_attempts == settings.DELIVERY_MAX_ATTEMPTS  # a count, not a duration
    assert policy.early_tolerance() == pytest.approx(0.05)
    assert policy.relay_interval() == pytest.approx(1.5)
    assert policy.partner_timeout(settings.BUZZIN_TIMEOUT_SECONDS) == pytest.approx(0.75)
    assert policy.backoff_delay(1, retry_after=100) == pytest.approx(5.0)  # Retry-After scaled too


def test_the_relay_reclaims_rows_stuck_in_sending(broker, settings):
    settings.DELIVERY_STUCK_SENDING_SECONDS = 600
    create, _ = rows_of(permit_in_status("approved"))
    OutboundDelivery.objects.filter(pk=create.pk).update(state="sending")
    assert services.delivery_relay().reclaimed == 0  # a send in progress
    OutboundDelivery.objects.filter(pk=create.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=11))

    report = services.delivery_relay()

    create.refresh_from_db()
    assert (report.reclaimed, create.state, create.error_kind) == (1, "pending", "reclaimed")
    assert [delivery_id for delivery_id, _ in broker] == [create.pk]


def test_dispatch_survives_a_broker_outage(settings, monkeypatch):
    settings.OUTBOX_DISPATCH = True

    def down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(current_app, "send_task", down)
    assert dispatch(1) is False


def test_the_row_is_marked_handed_over_before_its_task_can_reach_a_worker(settings, monkeypatch):
    """Marked after publishing, the mark's row lock could make a fast worker skip the row for good."""
    settings.OUTBOX_DISPATCH = True
    permit_in_status("approved")
    row = OutboundDelivery.objects.order_by("pk").first()
    OutboundDelivery.objects.update(dispatched_at=None)
    seen = []
    monkeypatch.setattr(
        current_app,
        "send_task",
        lambda name, args, **options: seen.append(OutboundDelivery.objects.get(pk=args[0]).dispatched_at),
    )
    assert dispatch(row.pk) is True
    assert seen and seen[0] is not None


def test_a_refused_hand_over_leaves_no_mark(settings, monkeypatch):
    settings.OUTBOX_DISPATCH = True
    permit_in_status("approved")
    row = OutboundDelivery.objects.order_by("pk").first()

    def down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(current_app, "send_task", down)
    assert dispatch(row.pk) is False
    row.refresh_from_db()
    assert row.dispatched_at is None


def test_dispatch_passes_the_countdown(broker):
    dispatch(7, countdown=2.5)
    assert broker == [(7, {"countdown": 2.5})]


def test_retry_puts_failed_rows_back_with_a_fresh_budget(broker, django_capture_on_commit_callbacks):
    create, submit = rows_of(permit_in_status("approved"))
    OutboundDelivery.objects.filter(pk=create.pk).update(
        state="failed", attempt_count=8, last_error="Buzz-In 400: nope", error_kind="bad_request"
    )
    user = UserFactory(is_staff=True, is_superuser=True)
    from portal.core.actors import Actor

    with django_capture_on_commit_callbacks(execute=True):
        retried = services.delivery_retry(ids=[create.pk, submit.pk], actor=Actor.for_user(user))

    assert retried == [create.pk]  # only failed rows
    create.refresh_from_db()
    assert (create.state, create.attempt_count) == ("pending", 0)
    assert [delivery_id for delivery_id, _ in broker] == [create.pk]
    event = AuditEvent.objects.get(action="integrations.delivery.retried")
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        user,
        "failed",
        "pending",
        "Buzz-In 400: nope",
    )


def test_retry_all_failed_is_limited_to_the_given_communities():
    mine, other = permit_in_status("approved"), permit_in_status("approved")
    OutboundDelivery.objects.update(state="failed")
    retried = services.deliveries_retry_failed(community_ids={mine.community_id})
    assert sorted(retried) == sorted(row.pk for row in rows_of(mine))
    assert {row.state for row in rows_of(other)} == {"failed"}
    assert len(services.deliveries_retry_failed(community_ids=None)) == 2


def test_waiting_creates_wake_when_buzzin_approves_the_contractor(broker, django_capture_on_commit_callbacks):
    permit = permit_in_status("approved")
    create, _ = rows_of(permit)
    OutboundDelivery.objects.filter(pk=create.pk).update(next_attempt_at=timezone.now() + datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        woken = services.deliveries_wake_waiting(
            contractor_id=permit.contractor_id,
            community_id=permit.community_id,
            subscriber="buzzin",
            operation=buzzin_op.PERMIT_CREATE,
        )
    assert woken == [create.pk]
    assert [delivery_id for delivery_id, _ in broker] == [create.pk]


def test_configuration_faults_are_grouped_by_partner_and_community():
    community = CommunityFactory(name="Akoya")
    permit = permit_in_status("approved", community=community)
    create, submit = rows_of(permit)
    OutboundDelivery.objects.filter(pk__in=[create.pk, submit.pk]).update(
        state="failed", error_kind="configuration", last_error="Buzz-In 401: Missing or invalid API key"
    )
    permit_in_status("approved")  # another community, fine
    [fault] = configuration_faults()
    assert (fault.partner_label, fault.community_name, fault.count) == ("Buzz-In", "Akoya", 2)
    assert "401" in fault.last_error
    assert configuration_faults(community_ids=set()) == []


def test_tasks_are_registered_under_their_names():
    assert tasks.delivery_send_task.name == "integrations.delivery_send"
    assert tasks.delivery_relay_task.name == "integrations.delivery_relay"
    assert "integrations.delivery_send" in current_app.tasks
    assert tasks.delivery_relay_task.run() == {"reclaimed": 0, "due": 0, "dispatched": 0}
    assert tasks.delivery_send_task.run(123456).startswith("skipped")


def test_a_countdown_on_rabbitmq_is_rounded_up_to_whole_seconds(monkeypatch):
    """RabbitMQ's native delayed delivery refuses a countdown under 1 s and truncates the others: a retry due in
    0.4 s was "left for the relay", one due in 1.9 s came early and was skipped (found by the fault script)."""
    from portal.integrations.broker import broker_countdown

    # Celery's broker_url prefers a CELERY_BROKER_URL in the environment (the service run sets one).
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.setattr(current_app.conf, "broker_url", "amqp://guest:guest@127.0.0.1:5672//")
    assert [broker_countdown(value) for value in (None, 0, 0.4, 1.0, 1.9)] == [None, None, 1.0, 1.0, 2.0]
    monkeypatch.setattr(current_app.conf, "broker_url", "redis://127.0.0.1:6379/0")
    assert broker_countdown(0.4) == 0.4


def test_a_task_that_comes_early_is_sent_again_for_when_its_row_is_due(broker):
    from portal.integrations.delivery import sender

    create, _ = rows_of(permit_in_status("approved"))
    later = timezone.now() + datetime.timedelta(seconds=30)
    OutboundDelivery.objects.filter(pk=create.pk).update(next_attempt_at=later)

    assert sender.delivery_send(create.pk).startswith("skipped: not due before")
    ((delivery_id, options),) = broker
    assert delivery_id == create.pk and 28 <= options["countdown"] <= 30
