"""notify_once: one notification per person and key (reminders, checks), claimed before anything is mailed."""

import pytest
from django.core import mail
from django.db import IntegrityError

from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.notifications.models import EmailPreference, Notification
from portal.integrations.notifications.recipients import Recipient
from portal.integrations.notifications.services import notify_once
from tests.factories import permit_in_status

from .conftest import drain, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit():
    return permit_in_status("active")


def remind(permit, people, key="permit:1:expiring"):
    data = {"permit": permit.pk, "reference": permit.reference, "ends": permit.valid_till.isoformat()}
    recipients = [Recipient(user.pk, user.email) for user in people]
    return notify_once(
        kind="permit_ending", key=key, recipients=recipients, data=data, community_id=permit.community_id
    )


def test_one_notification_and_one_multipart_mail_per_person(permit):
    a, b = person("a"), person("b")
    assert len(remind(permit, [a, b, a])) == 2
    drain()
    assert sorted(message.to[0] for message in mail.outbox) == ["a@example.com", "b@example.com"]
    assert all(message.alternatives[0][1] == "text/html" for message in mail.outbox)
    assert all(permit.reference in message.subject for message in mail.outbox)


def test_not_again_for_the_same_key(permit):
    a, c = person("a"), person("c")
    remind(permit, [a])
    assert [n.recipient_id for n in remind(permit, [a, c])] == [c.pk]
    assert len(remind(permit, [a], key="permit:1:other")) == 1
    drain()
    assert len(mail.outbox) == 3
    assert OutboundDelivery.objects.filter(subscriber="notify").count() == 3


def test_a_claim_taken_elsewhere_is_respected(permit):
    a = person("a")
    Notification.objects.create(recipient=a, kind="permit_ending", key="permit:1:expiring", email="each")
    assert remind(permit, [a]) == []
    drain()
    assert mail.outbox == []


def test_the_key_is_unique_per_person_in_the_database(permit):
    a = person("a")
    Notification.objects.create(recipient=a, kind="permit_ending", key="k", email="none")
    with pytest.raises(IntegrityError):
        Notification.objects.create(recipient=a, kind="permit_ending", key="k", email="none")


def test_a_person_without_an_address_is_notified_in_the_portal_only(permit):
    nobody = person("nomail")
    nobody.email = ""
    nobody.save()
    [notification] = remind(permit, [nobody])
    assert notification.email == "none"
    assert not OutboundDelivery.objects.filter(subscriber="notify").exists()


def test_reminders_honour_the_persons_choice(permit):
    a, b = person("a"), person("b")
    EmailPreference.objects.create(user=a, kind="permit_ending", choice="none")
    assert len(remind(permit, [a, b])) == 2
    drain()
    assert [message.to for message in mail.outbox] == [["b@example.com"]]
