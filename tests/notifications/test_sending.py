"""E-mail is sent after commit by the worker, at most once: retries, lost workers, mail-server errors."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from permits import services
from portal.celery import app as celery_app
from portal.core.actors import Actor
from portal.integrations.delivery import services as delivery_services
from portal.integrations.delivery import tasks as delivery_tasks
from portal.integrations.delivery.models import DeliveryAttempt, OutboundDelivery
from portal.integrations.delivery.sender import claim_delivery, delivery_send, perform
from portal.integrations.notifications import mailer
from portal.integrations.notifications.models import Notification
from tests.factories import permit_in_status

from .conftest import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval(site):
    """A submitted permit of the company; ``approve()`` approves it as the manager."""
    permit = permit_in_status("submitted", community=site.community, contractor=site.contractor)
    OutboundDelivery.objects.filter(subscriber="notify").delete()  # the submission's own mails
    Notification.objects.all().delete()

    def approve():
        return services.permit_approve(actor=Actor.for_user(site.managers[0]), permit=permit)

    return approve


def mail_rows() -> list[OutboundDelivery]:
    return list(OutboundDelivery.objects.filter(subscriber="notify").order_by("pk"))


def approved_mails() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox if "is approved" in message.subject)


def test_a_retried_task_sends_nothing_twice(approval):
    approval()
    first, _ = mail_rows()
    assert delivery_send(first.pk) == "succeeded"
    assert delivery_send(first.pk) == "skipped: already succeeded"  # the broker hands the task out again
    drain()
    drain()
    assert approved_mails() == ["ali@example.com", "bea@example.com"]
    assert [row.attempts.count() for row in mail_rows()] == [1, 1]


def test_a_task_arriving_while_the_row_is_being_sent_leaves_it_alone(approval):
    approval()
    row = mail_rows()[0]
    claim, _ = claim_delivery(row.pk)  # a worker took it and is sending
    assert claim is not None
    assert delivery_send(row.pk) == "skipped: being sent by another worker"
    assert mail.outbox == []


def test_a_worker_lost_mid_send_is_not_sent_again_until_an_admin_says_so(approval, settings):
    """At most once: the relay reclaims the row, the sender fails it as uncertain; "retry" resends on purpose."""
    settings.DELIVERY_STUCK_SENDING_SECONDS = 600
    approval()
    row = mail_rows()[0]
    claim, _ = claim_delivery(row.pk)
    perform(claim.delivery)  # the mail went out, then the worker died before recording it
    assert len(mail.outbox) == 1
    OutboundDelivery.objects.filter(pk=row.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=11))

    assert delivery_services.deliveries_reclaim_stuck() == 1
    assert delivery_send(row.pk) == "failed"

    row.refresh_from_db()
    assert (row.state, row.error_kind) == ("failed", "uncertain")
    assert "may have gone out" in row.last_error
    assert len(mail.outbox) == 1
    delivery_services.delivery_retry(ids=[row.pk], actor=Actor.system("admin"))
    assert delivery_send(row.pk) == "succeeded"
    assert len(mail.outbox) == 2


def test_after_commit_the_mails_go_and_not_before(approval, settings, monkeypatch, django_capture_on_commit_callbacks):
    assert delivery_tasks.DELIVERY_TASK_NAME in celery_app.tasks  # registered: the worker runs it
    settings.OUTBOX_DISPATCH = True
    monkeypatch.setattr(
        celery_app,
        "send_task",
        lambda name, args=(), kwargs=None, **options: celery_app.tasks[name].apply(args=args, kwargs=kwargs or {}),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        approval()
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert approved_mails() == ["ali@example.com", "bea@example.com"]


def test_a_rolled_back_change_leaves_no_notification_and_sends_nothing(approval, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        approval()
        raise RuntimeError("something after the approval failed")
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail_rows() == []
    drain()
    assert mail.outbox == []


class FakeConnection:
    """A mail backend connection failing as told: at ``open`` or while sending."""

    sent: list = []

    def __init__(self, *, on_open=None, on_send=None):
        self.on_open, self.on_send = on_open, on_send

    def open(self):
        if self.on_open:
            raise self.on_open

    def send_messages(self, messages):
        if self.on_send:
            raise self.on_send
        mail.outbox.extend(messages)
        return len(messages)

    def close(self):
        pass


def broken_mail_server(monkeypatch, **failure):
    monkeypatch.setattr(mailer, "get_connection", lambda: FakeConnection(**failure))


def test_an_unreachable_mail_server_is_retried_and_the_mail_goes_once(approval, monkeypatch):
    approval()
    row = mail_rows()[0]
    broken_mail_server(monkeypatch, on_open=ConnectionRefusedError("connection refused"))
    assert delivery_send(row.pk) == "retry"
    monkeypatch.undo()
    assert delivery_send(row.pk) == "succeeded"
    assert [m.to for m in mail.outbox] == [["ali@example.com"]]
    attempts = list(DeliveryAttempt.objects.filter(delivery=row).order_by("pk").values_list("outcome", "error"))
    assert attempts[0][0] == "retry" and "cannot be reached" in attempts[0][1]
    assert attempts[1] == ("succeeded", "")


def test_a_deferred_message_is_retried(approval, monkeypatch):
    approval()
    row = mail_rows()[0]
    broken_mail_server(monkeypatch, on_send=smtplib.SMTPDataError(451, b"try again later"))
    assert delivery_send(row.pk) == "retry"


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        ({"on_open": smtplib.SMTPAuthenticationError(535, b"bad credentials")}, "configuration"),
        ({"on_send": smtplib.SMTPRecipientsRefused({"ali@example.com": (550, b"no such user")})}, "rejected"),
        ({"on_send": smtplib.SMTPDataError(554, b"spam")}, "rejected"),
        ({"on_send": smtplib.SMTPServerDisconnected("lost after DATA")}, "uncertain"),
        ({"on_send": TimeoutError("timed out")}, "uncertain"),
    ],
)
def test_refusals_and_interrupted_sends_fail_without_a_resend(approval, monkeypatch, failure, kind):
    approval()
    row = mail_rows()[0]
    broken_mail_server(monkeypatch, **failure)
    assert delivery_send(row.pk) == "failed"
    row.refresh_from_db()
    assert row.error_kind == kind
    assert delivery_send(row.pk) == "skipped: already failed"


def test_the_attempt_names_the_person_by_id_only(approval):
    approval()
    drain()
    summaries = list(DeliveryAttempt.objects.values_list("request_summary", flat=True))
    assert summaries and all("user #" in summary and "@" not in summary for summary in summaries)
