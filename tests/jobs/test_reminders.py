"""Reminders around each threshold: who gets which notification and mail, exactly once."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection

from permits.choices import PermitStatus
from portal.integrations.delivery.sender import delivery_send
from portal.integrations.notifications import mailer
from portal.integrations.notifications.models import Notification
from portal.integrations.notifications.reminders import ReminderResult, reminders_send
from tests.delivery.drain import drain_outbox, open_rows
from tests.factories import CommunityFactory, NocVersionFactory, PermitFactory

from .conftest import BASE, contractor_user, live_permit, manager

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def remind() -> ReminderResult:
    """One run of the daily job, then the worker's turn: the reminders' mails go out."""
    result = reminders_send()
    drain_outbox("notify")
    return result


def sent_to() -> list[tuple[str, str]]:
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def mail_for(address: str):
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


@pytest.fixture
def ending_permit(at):
    with at(BASE):
        community = CommunityFactory(name="Akoya", time_zone="Asia/Dubai")
        permit = live_permit(community, ends=BASE + 10 * DAY)
        contractor_user(permit.contractor, "ali")
        contractor_user(permit.contractor, "bea")
        manager(community, "pm")
        manager(CommunityFactory(), "other-pm")
    return permit


def test_permit_end_reminders_at_7_days_then_1_day_each_once(at, settings, ending_permit):
    settings.SITE_URL = "https://permits.example.com"
    permit, ends = ending_permit, ending_permit.valid_till
    with at(ends - 7 * DAY - datetime.timedelta(minutes=1)):
        assert remind().sent == 0
    with at(ends - 7 * DAY + datetime.timedelta(minutes=1)):
        assert remind().permits == 3
        assert remind().sent == 0
    subject = f"Work permit {permit.reference} ends within 7 days: 11 Aug 2026, 07:00"
    assert sent_to() == [("ali@example.com", subject), ("bea@example.com", subject), ("pm@example.com", subject)]
    contractor_mail, manager_mail = mail_for("ali@example.com"), mail_for("pm@example.com")
    assert f"https://permits.example.com/permits/{permit.reference}/" in contractor_mail.body
    assert f"https://permits.example.com/admin/permits/permit/{permit.pk}/change/" in manager_mail.body
    html, mimetype = contractor_mail.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="https://permits.example.com/permits/{permit.reference}/"' in html
    assert "11 Aug 2026, 07:00 (Asia/Dubai)" in contractor_mail.body

    mail.outbox.clear()
    with at(ends - DAY - datetime.timedelta(minutes=1)):
        assert remind().sent == 0
    with at(ends - DAY + datetime.timedelta(minutes=1)):
        assert remind().permits == 3
        assert remind().sent == 0
    assert {subject for _, subject in sent_to()} == {
        f"Work permit {permit.reference} ends within 24 hours: 11 Aug 2026, 07:00"
    }
    with at(ends + datetime.timedelta(minutes=1)):
        assert remind().sent == 0


def test_a_permit_first_seen_within_a_day_gets_only_the_1_day_reminder(at, ending_permit):
    with at(ending_permit.valid_till - datetime.timedelta(hours=5)):
        remind()
    assert {subject.split(" ends ")[1].split(":")[0] for _, subject in sent_to()} == {"within 24 hours"}


def test_an_extended_permit_is_reminded_of_its_new_end(at, ending_permit):
    permit = ending_permit
    with at(permit.valid_till - 6 * DAY):
        remind()
        permit.valid_till += 5 * DAY
        permit.save()
        mail.outbox.clear()
        assert remind().sent == 0  # now 11 days away
    with at(permit.valid_till - 6 * DAY):
        assert remind().permits == 3


@pytest.mark.parametrize("status", [PermitStatus.SUBMITTED, PermitStatus.REVOKED, PermitStatus.EXPIRED])
def test_permits_that_are_not_live_are_not_reminded(at, status):
    with at(BASE):
        permit = live_permit(ends=BASE + 3 * DAY, status=status)
        contractor_user(permit.contractor, "ali")
        assert remind().permits == 0


def test_noc_expiring_within_30_days_goes_to_the_contractor_users_once(at, settings):
    settings.SITE_URL = "https://permits.example.com"
    with at(BASE):
        community = CommunityFactory()
        permit = live_permit(community, ends=BASE + 25 * DAY, with_noc=False)
        noc = NocVersionFactory(permit=permit, expiry_date=BASE.date() + datetime.timedelta(days=31))
        contractor_user(permit.contractor, "ali")
        manager(community, "pm")
        assert remind().nocs == 0
    with at(BASE + DAY):
        assert remind().nocs == 1
        assert remind().sent == 0
    message = mail_for("ali@example.com")
    assert message.subject == f"The NOC of work permit {permit.reference} expires on 01 Sep 2026"
    assert noc.noc_number in message.body
    assert f"https://permits.example.com/permits/{permit.reference}/" in message.body
    assert len(mail.outbox) == 1


def test_noc_expiring_before_the_permit_ends_is_reminded_early(at):
    with at(BASE):
        permit = live_permit(ends=BASE + 120 * DAY, with_noc=False)
        NocVersionFactory(permit=permit, expiry_date=BASE.date() + datetime.timedelta(days=100))
        contractor_user(permit.contractor, "ali")
        assert remind().nocs == 1
        assert "before the permit ends on 29 Nov 2026" in mail_for("ali@example.com").body
    with at(BASE + 75 * DAY):  # the 30-day threshold is its own reminder
        assert remind().nocs == 1
        assert remind().nocs == 0


def test_trade_licence_within_30_days_goes_to_users_and_managers_of_communities_with_live_permits(at, settings):
    settings.SITE_URL = "https://permits.example.com"
    with at(BASE):
        live_community, draft_community = CommunityFactory(), CommunityFactory()
        permit = live_permit(live_community, ends=BASE + 10 * DAY)
        contractor = permit.contractor
        contractor.trade_licence_expiry = BASE.date() + datetime.timedelta(days=20)
        contractor.save()
        PermitFactory(community=draft_community, contractor=contractor)
        contractor_user(contractor, "ali")
        manager(live_community, "pm")
        manager(draft_community, "draft-pm")
        assert remind().documents == 2
        assert remind().sent == 0
    subject = f"{contractor.company_name}: trade licence expires on 21 Aug 2026"
    assert sent_to() == [("ali@example.com", subject), ("pm@example.com", subject)]
    assert "https://permits.example.com/company/" in mail_for("ali@example.com").body
    admin_link = f"https://permits.example.com/admin/contractors/contractor/{contractor.pk}/change/"
    assert admin_link in mail_for("pm@example.com").body


def test_insurance_expiring_before_a_live_permit_ends_and_a_renewal_starts_afresh(at):
    with at(BASE):
        permit = live_permit(ends=BASE + 70 * DAY)
        contractor = permit.contractor
        contractor.insurance_expiry = BASE.date() + datetime.timedelta(days=50)
        contractor.save()
        contractor_user(contractor, "ali")
        assert remind().documents == 1
        assert "before the end of a live work permit" in mail_for("ali@example.com").body
        contractor.insurance_expiry = BASE.date() + datetime.timedelta(days=60)
        contractor.save()
        assert remind().documents == 1
        assert remind().documents == 0


def test_an_expired_licence_is_reminded_once(at):
    with at(BASE):
        permit = live_permit(ends=BASE + 10 * DAY)
        permit.contractor.trade_licence_expiry = BASE.date() - DAY
        permit.contractor.save()
        contractor_user(permit.contractor, "ali")
        remind()
        remind()
    expected = f"{permit.contractor.company_name}: trade licence expired on 31 Jul 2026"
    assert [m.subject for m in mail.outbox] == [expected]


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_remind_each_person_once(at, ending_permit):
    permit = ending_permit
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            reminders_send()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    with at(permit.valid_till - 3 * DAY):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        drain_outbox("notify")
    assert not errors
    assert sorted(message.to[0] for message in mail.outbox) == ["ali@example.com", "bea@example.com", "pm@example.com"]
    pairs = list(Notification.objects.values_list("recipient_id", "key"))
    assert len(pairs) == len(set(pairs)) == 3


def test_a_mail_that_fails_is_sent_again_by_the_worker_and_never_twice(at, ending_permit, monkeypatch):
    class Unreachable:
        def open(self):
            raise ConnectionRefusedError("SMTP server down")

    with at(ending_permit.valid_till - 3 * DAY):
        assert reminders_send().permits == 3
        monkeypatch.setattr(mailer, "get_connection", Unreachable)
        assert [delivery_send(row.pk) for row in open_rows("notify").order_by("pk")] == ["retry"] * 3
        assert mail.outbox == []
        monkeypatch.undo()
    with at(ending_permit.valid_till - 3 * DAY + datetime.timedelta(minutes=5)):
        drain_outbox("notify")
        assert remind().sent == 0
    assert sorted(message.to[0] for message in mail.outbox) == ["ali@example.com", "bea@example.com", "pm@example.com"]
