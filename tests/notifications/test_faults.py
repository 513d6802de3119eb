"""Operators hear of partner configuration faults: once per partner, community and day."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail

from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.notifications.models import Notification
from portal.integrations.notifications.partner_faults import partner_faults_notify
from portal.integrations.notifications.tasks import check_partner_faults_task
from tests.factories import CommunityFactory, permit_in_status

from .conftest import drain, notified, person

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 8, 3, 8, 0, tzinfo=datetime.UTC)


def configuration_fault(community, subscriber="buzzin", count=1):
    permit = permit_in_status("approved", community=community)
    rows = OutboundDelivery.objects.filter(subscriber="buzzin", target_id=str(permit.pk))[:count]
    OutboundDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(
        subscriber=subscriber, state="failed", error_kind="configuration", last_error="401 Invalid API key"
    )


@pytest.fixture
def operators(site):
    member = person("ops", is_staff=True)
    member.groups.add(Group.objects.get(name="operator"))
    return ["ops", "root"]


def test_operators_and_only_they_hear_of_a_fault_once_a_day(site, operators):
    with time_machine.travel(NOON, tick=False):
        configuration_fault(site.community, count=2)
        Notification.objects.all().delete()
        assert check_partner_faults_task() == 2
        assert partner_faults_notify() == 0  # the same fault, the same day
        assert notified() == operators
        drain()
    assert sorted(m.to[0] for m in mail.outbox) == ["ops@example.com", "root@example.com"]
    message = mail.outbox[0]
    assert message.subject == "Buzz-In refuses the configuration of Akoya"
    assert "Buzz-In refused 2 deliveries for Akoya" in message.body
    assert "401 Invalid API key" in message.body
    assert (
        "https://permits.example.com/admin/integrations/outbounddelivery/?state__exact=failed"
        "&error_kind__exact=configuration&subscriber__exact=buzzin"
        f"&community__id__exact={site.community.pk}"
    ) in message.body
    with time_machine.travel(NOON + datetime.timedelta(days=1), tick=False):
        assert partner_faults_notify() == 2  # still broken the next day: told again


def test_each_community_is_its_own_fault(site, operators):
    with time_machine.travel(NOON, tick=False):
        configuration_fault(site.community)
        configuration_fault(CommunityFactory(name="Palm Gardens"))
        Notification.objects.all().delete()
        assert partner_faults_notify() == 4


def test_no_fault_no_notification(site, operators):
    assert partner_faults_notify() == 0


def test_a_fault_of_the_email_itself_is_shown_in_the_portal_only(site, operators):
    configuration_fault(site.community, subscriber="notify")
    Notification.objects.all().delete()
    OutboundDelivery.objects.exclude(state="failed").delete()
    assert partner_faults_notify() == 2
    assert set(Notification.objects.values_list("email", flat=True)) == {"none"}
    assert not OutboundDelivery.objects.exclude(state="failed").exists()
