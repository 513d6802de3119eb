"""Reminders mailed before notifications existed (core's NotificationLog) are not mailed again after the upgrade."""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail

from portal.integrations.notifications.models import Notification
from portal.integrations.notifications.reminders import reminders_send
from tests.factories import CommunityFactory, ContractorUserFactory, PermitFactory

from .conftest import drain, person

pytestmark = pytest.mark.django_db
migration = importlib.import_module("portal.integrations.notifications.migrations.0002_reminders_already_sent")
NOW = datetime.datetime(2026, 8, 5, 4, 0, tzinfo=datetime.UTC)


class OldLog:
    """core.NotificationLog as it stood, with the rows it held."""

    rows: list = []

    class objects:  # the manager's name
        @staticmethod
        def order_by(*fields):
            return SimpleNamespace(iterator=lambda: iter(OldLog.rows))


class Apps:
    def get_model(self, app_label, name):
        return {"NotificationLog": OldLog, "Notification": Notification, "User": get_user_model()}[name]


def log(key, recipient, subject="Work permit X ends within 7 days"):
    return SimpleNamespace(key=f"{key}:to:{recipient}", recipient=recipient, subject=subject, sent_at=NOW)


def test_a_reminder_already_mailed_is_not_mailed_again(settings):
    settings.OUTBOX_DISPATCH = False
    with time_machine.travel(NOW, tick=False):
        permit = PermitFactory(
            community=CommunityFactory(),
            status="active",
            valid_from=NOW - datetime.timedelta(days=20),
            valid_till=NOW + datetime.timedelta(days=5),
        )
        ali = ContractorUserFactory(contractor=permit.contractor, user=person("ali")).user
        ContractorUserFactory(contractor=permit.contractor, user=person("bea"))
        key = f"reminder:permit:{permit.pk}:ends-7d:{permit.valid_till:%Y%m%dT%H%M}"
        OldLog.rows = [
            log(key, "ali@example.com"),
            log("reminder:noc:9:30d", "nobody@example.com"),  # no such person: nothing to copy
            log("something:else", "ali@example.com"),  # not a reminder
        ]

        migration.copy_log(Apps(), None)

        [copied] = Notification.objects.all()
        assert (copied.recipient, copied.key, copied.kind, copied.email) == (ali, key, "permit_ending", "none")
        assert copied.read_at == NOW and copied.created_at == NOW
        assert reminders_send().permits == 1  # bea only
        drain()
    assert [message.to for message in mail.outbox] == [["bea@example.com"]]


def test_the_copy_shows_its_old_subject_in_the_list(client):
    ali = person("ali")
    OldLog.rows = [log("reminder:contractor:3:insurance:20260901:30d", "ali@example.com", "Al Noor: insurance expires")]
    migration.copy_log(Apps(), None)
    client.force_login(ali)
    assert "Al Noor: insurance expires" in client.get("/notifications/").content.decode()
