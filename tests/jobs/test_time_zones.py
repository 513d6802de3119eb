"""Compliance and reminders around midnight: each permit's day is its community's, never the server's.

Dubai is UTC+4 and Bogotá UTC-5 (neither changes its clocks); the server runs on UTC here, so a
rule that used the server's day would be wrong for both. At 22:00 UTC on 1 August it is already
2 August in Dubai and still 1 August in Bogotá.
"""

import datetime

import pytest
from django.core import mail

from permits.services.compliance import compliance_check
from portal.integrations.notifications import reminders
from tests.delivery.drain import drain_outbox
from tests.factories import CommunityFactory, ContractorFactory, MembershipFactory, NocVersionFactory

from .conftest import contractor_user, live_permit

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
DUBAI_MIDNIGHT = datetime.datetime(2026, 8, 1, 20, 0, tzinfo=UTC)  # 2 Aug 00:00 in Dubai
BOGOTA_MIDNIGHT = datetime.datetime(2026, 8, 2, 5, 0, tzinfo=UTC)  # 2 Aug 00:00 in Bogotá
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def server_on_utc(settings):
    settings.TIME_ZONE = "UTC"


@pytest.fixture
def dubai(db):
    return CommunityFactory(name="Dubai Hills", time_zone="Asia/Dubai")


@pytest.fixture
def bogota(db):
    return CommunityFactory(name="Bogotá Norte", time_zone="America/Bogota")


def permits_of_one_company(*communities, licence_expiry: datetime.date):
    contractor = ContractorFactory(trade_licence_expiry=licence_expiry)
    ends = datetime.datetime(2026, 8, 25, 10, tzinfo=UTC)
    permits = []
    for community in communities:
        MembershipFactory(contractor=contractor, community=community)
        permits.append(live_permit(community, ends=ends, contractor=contractor))
    return permits


def flagged(*permits) -> list[bool]:
    for permit in permits:
        permit.refresh_from_db()
    return [bool(permit.compliance_issue) for permit in permits]


def test_a_licence_lapses_at_each_communitys_midnight(at, dubai, bogota):
    in_dubai, in_bogota = permits_of_one_company(dubai, bogota, licence_expiry=datetime.date(2026, 8, 1))

    with at(DUBAI_MIDNIGHT - MINUTE):
        assert compliance_check().flagged == 0
    assert flagged(in_dubai, in_bogota) == [False, False]

    with at(DUBAI_MIDNIGHT + MINUTE):
        assert compliance_check().flagged == 1
    assert flagged(in_dubai, in_bogota) == [True, False]

    with at(BOGOTA_MIDNIGHT - MINUTE):
        assert compliance_check().flagged == 0
    with at(BOGOTA_MIDNIGHT + MINUTE):
        assert compliance_check().flagged == 1
    assert flagged(in_dubai, in_bogota) == [True, True]
    assert in_bogota.compliance_issue == "Trade licence expired on 01 Aug 2026."


def test_a_renewal_clears_on_each_communitys_day(at, dubai, bogota):
    in_dubai, in_bogota = permits_of_one_company(dubai, bogota, licence_expiry=datetime.date(2026, 7, 31))
    with at(BOGOTA_MIDNIGHT - MINUTE):  # 1 Aug in Bogotá, 2 Aug in Dubai: both lapsed
        compliance_check()
        assert flagged(in_dubai, in_bogota) == [True, True]
        in_dubai.contractor.trade_licence_expiry = datetime.date(2026, 8, 1)  # valid through 1 Aug
        in_dubai.contractor.save()
        assert compliance_check().cleared == 1
    assert flagged(in_dubai, in_bogota) == [True, False]


def noc_expiring(community, expiry: datetime.date, name: str):
    permit = live_permit(community, ends=datetime.datetime(2026, 8, 20, 10, tzinfo=UTC), with_noc=False)
    NocVersionFactory(permit=permit, expiry_date=expiry)
    contractor_user(permit.contractor, name)
    return permit


def reminders_send() -> reminders.ReminderResult:
    """The daily job, then the worker sending its mails."""
    result = reminders.reminders_send()
    drain_outbox("notify")
    return result


def reminded() -> list[str]:
    names = sorted(message.to[0].split("@")[0] for message in mail.outbox)
    mail.outbox.clear()
    return names


def test_the_30_day_noc_reminder_goes_out_on_each_communitys_day_once(at, dubai, bogota):
    with at(DUBAI_MIDNIGHT - datetime.timedelta(days=1)):
        noc_expiring(dubai, datetime.date(2026, 9, 1), "dubai")  # 30 days before: 2 Aug
        noc_expiring(bogota, datetime.date(2026, 9, 1), "bogota")

    with at(DUBAI_MIDNIGHT - MINUTE):
        assert reminders_send().nocs == 0
    with at(DUBAI_MIDNIGHT + MINUTE):
        assert reminders_send().nocs == 1
        assert reminders_send().nocs == 0
    assert reminded() == ["dubai"]
    with at(BOGOTA_MIDNIGHT - MINUTE):
        assert reminders_send().sent == 0
    with at(BOGOTA_MIDNIGHT + MINUTE):
        assert reminders_send().nocs == 1
    with at(BOGOTA_MIDNIGHT + datetime.timedelta(days=1)):
        assert reminders_send().sent == 0
    assert reminded() == ["bogota"]


def company_in(community, name: str, licence_expiry: datetime.date):
    contractor = ContractorFactory(company_name=name, trade_licence_expiry=licence_expiry)
    MembershipFactory(contractor=contractor, community=community)
    contractor_user(contractor, name.lower())
    return contractor


def test_licence_reminders_follow_the_companys_communities(at, dubai, bogota):
    with at(DUBAI_MIDNIGHT - datetime.timedelta(days=1)):
        company_in(dubai, "Dune", datetime.date(2026, 9, 1))
        company_in(bogota, "Andes", datetime.date(2026, 9, 1))
        both = company_in(bogota, "Both", datetime.date(2026, 9, 1))
        MembershipFactory(contractor=both, community=dubai)  # its day is the furthest ahead: Dubai's

    with at(DUBAI_MIDNIGHT - MINUTE):
        assert reminders_send().documents == 0
    with at(DUBAI_MIDNIGHT + MINUTE):
        assert reminders_send().documents == 2
        assert reminders_send().documents == 0
    assert reminded() == ["both", "dune"]
    with at(BOGOTA_MIDNIGHT - MINUTE):
        assert reminders_send().documents == 0
    with at(BOGOTA_MIDNIGHT + MINUTE):
        assert reminders_send().documents == 1
    assert reminded() == ["andes"]


def test_an_expired_licence_reads_expired_only_from_the_companys_next_day(at, bogota):
    with at(BOGOTA_MIDNIGHT - datetime.timedelta(days=2)):
        company_in(bogota, "Andes", datetime.date(2026, 8, 1))
    with at(BOGOTA_MIDNIGHT - MINUTE):  # already 2 Aug in UTC, still 1 Aug in Bogotá
        reminders_send()
    assert [message.subject for message in mail.outbox] == ["Andes: trade licence expires on 01 Aug 2026"]


def test_a_live_permit_ending_after_midnight_utc_ends_on_its_communitys_day(at, bogota):
    """The licence outlives the permit's last day in Bogotá, though not its last day in UTC: no reminder."""
    with at(datetime.datetime(2026, 6, 1, tzinfo=UTC)):
        contractor = company_in(bogota, "Andes", datetime.date(2026, 8, 1))
        live_permit(bogota, ends=datetime.datetime(2026, 8, 2, 3, tzinfo=UTC), contractor=contractor)  # 1 Aug 22:00
        assert reminders_send().documents == 0
