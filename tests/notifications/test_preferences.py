"""Each person's e-mail choice per kind, and the managers' daily digest of submissions."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from permits import services
from portal.core.actors import Actor
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.notifications.models import Digest, EmailPreference, Notification
from portal.integrations.notifications.preferences import email_preferences_set
from portal.integrations.notifications.services import digests_plan
from portal.integrations.notifications.tasks import send_digests_task
from tests.factories import StaffMembershipFactory, permit_in_status

from .conftest import drain, notified, person

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def approve(site):
    permit = permit_in_status("submitted", community=site.community, contractor=site.contractor)
    return services.permit_approve(actor=Actor.for_user(site.managers[0]), permit=permit)


def submit(site):
    permit = permit_in_status("draft", community=site.community, contractor=site.contractor)
    return services.permit_submit(actor=Actor.for_user(site.users[0]), permit=permit)


def test_no_email_for_a_kind_keeps_the_in_app_item(site):
    email_preferences_set(user=site.users[0], choices={"permit_approved": "none"})
    approve(site)
    drain()
    assert notified("permit_approved") == ["ali", "bea"]
    assert sorted(m.to[0] for m in mail.outbox if "is approved" in m.subject) == ["bea@example.com"]


def test_a_choice_for_one_kind_leaves_the_others(site):
    email_preferences_set(user=site.users[0], choices={"permit_rejected": "none"})
    approve(site)
    drain()
    assert "ali@example.com" in [m.to[0] for m in mail.outbox if "is approved" in m.subject]


def test_only_offered_choices_of_ones_own_kinds_are_stored(site):
    with pytest.raises(ValidationError):
        email_preferences_set(user=site.users[0], choices={"permit_approved": "digest"})  # not a digest kind
    with pytest.raises(ValidationError):
        email_preferences_set(user=site.users[0], choices={"permit_submitted": "none"})  # a manager's kind
    with pytest.raises(ValidationError):
        email_preferences_set(user=site.managers[0], choices={"permit_submitted": "weekly"})
    assert not EmailPreference.objects.exists()


def test_the_digest_gathers_a_days_submissions_into_one_mail(site):
    email_preferences_set(user=site.managers[0], choices={"permit_submitted": "digest"})
    start = datetime.datetime(2026, 8, 3, 4, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        permits = [submit(site) for _ in range(2)]
    with time_machine.travel(start + datetime.timedelta(hours=9), tick=False):
        permits.append(submit(site))
        drain()
        assert notified("permit_submitted") == ["pm", "pm", "pm"]  # in the portal at once
        assert mail.outbox == []  # no mail each
    with time_machine.travel(start + DAY, tick=False):
        assert send_digests_task() == 1
        assert digests_plan() == []  # a second run (or one at the same time) finds nothing waiting
        drain()
    [message] = mail.outbox
    assert message.to == ["pm@example.com"]
    assert message.subject == "Daily digest: 3 new notifications"
    html = message.alternatives[0][0]
    for permit in permits:
        assert f"Work permit {permit.reference} of Al Noor LLC waits for approval" in message.body
        assert f"https://permits.example.com/admin/permits/permit/{permit.pk}/change/" in message.body
        assert f'href="https://permits.example.com/admin/permits/permit/{permit.pk}/change/"' in html

    mail.outbox.clear()
    with time_machine.travel(start + DAY + datetime.timedelta(hours=2), tick=False):
        later = submit(site)
    with time_machine.travel(start + 2 * DAY, tick=False):
        digests_plan()
        drain()
    [message] = mail.outbox
    assert message.subject == "Daily digest: 1 new notification"
    assert later.reference in message.body and permits[0].reference not in message.body


def test_the_digest_is_per_person_and_only_for_those_who_chose_it(site):
    second_manager = person("pm2", is_staff=True)
    StaffMembershipFactory(community=site.community, user=second_manager)
    email_preferences_set(user=site.managers[0], choices={"permit_submitted": "digest"})
    permit = submit(site)
    drain()
    assert [m.to for m in mail.outbox] == [["pm2@example.com"]]  # pm2 kept "each time"
    assert len(digests_plan()) == 1
    assert Digest.objects.get().recipient == site.managers[0]
    drain()
    assert sorted(m.to[0] for m in mail.outbox) == ["pm2@example.com", "pm@example.com"]
    assert permit.reference in mail.outbox[-1].body


def test_items_routed_to_the_digest_have_no_delivery_of_their_own(site):
    email_preferences_set(user=site.managers[0], choices={"permit_submitted": "digest"})
    submit(site)
    notification = Notification.objects.get(kind="permit_submitted")
    assert notification.email == "digest"
    assert not OutboundDelivery.objects.filter(subscriber="notify", target_type="notification").exists()
