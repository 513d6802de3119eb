"""notify_once: one multipart e-mail per recipient and key, claimed before it is sent."""

import pytest
from django.core import mail

from portal.core.models import NotificationLog
from portal.core.notifications import notify_once, recipient_key
from tests.factories import permit_in_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def context():
    permit = permit_in_status("active")
    return {"permit": permit, "valid_till": permit.valid_till, "time_zone": "Asia/Dubai", "portal_url": "http://x"}


def send(context, recipients, key="permit:1:expiring"):
    return notify_once(
        key=key, recipients=recipients, subject="Ends soon", template_base="emails/permit_expiring", context=context
    )


def test_one_mail_per_recipient_with_text_and_html(context):
    assert send(context, ["a@example.com", "B@example.com ", "a@example.com", ""]) == 2

    assert [message.to for message in mail.outbox] == [["a@example.com"], ["b@example.com"]]
    assert all(message.alternatives[0][1] == "text/html" for message in mail.outbox)
    assert NotificationLog.objects.count() == 2


def test_not_sent_again_for_the_same_key(context):
    send(context, ["a@example.com"])
    assert send(context, ["a@example.com", "c@example.com"]) == 1
    assert send(context, ["a@example.com"], key="permit:1:other") == 1
    assert len(mail.outbox) == 3


def test_a_claim_taken_elsewhere_is_respected(context):
    NotificationLog.objects.create(key=recipient_key("permit:1:expiring", "a@example.com"), recipient="a@example.com")
    assert send(context, ["a@example.com"]) == 0
    assert mail.outbox == []


def test_a_failed_send_releases_the_claim(context, monkeypatch):
    def fail(self, fail_silently=False):
        raise OSError("smtp down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", fail)
        with pytest.raises(OSError):
            send(context, ["a@example.com"])
    assert NotificationLog.objects.count() == 0
    assert send(context, ["a@example.com"]) == 1


def test_long_addresses_get_a_key_that_fits():
    key = recipient_key("permit:1:expiring", "x" * 250 + "@example.com")
    assert len(key) <= 200
