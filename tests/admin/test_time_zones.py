"""The admin around midnight: "today", "within 7 days" and every shown time are each row's community's.

One manager runs Dubai (UTC+4) and Bogotá (UTC-5); the server runs on UTC. At 22:00 UTC on
1 August it is 02:00 on 2 August in Dubai and 17:00 on 1 August in Bogotá.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contractors.models import ContractorMembership
from permits.choices import PermitStatus
from permits.models import GateScan, NocVersion
from permits.selectors.admin import nocs_expiring_soon, weekly_submitted_approved
from portal.core.models import AuditEvent
from portal.integrations.models import Drift
from tests.admin.conftest import logged_in, make_manager
from tests.factories import (
    CommunityFactory,
    ContractorFactory,
    MembershipFactory,
    NocVersionFactory,
    PermitFactory,
    PropertyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
NOW = datetime.datetime(2026, 8, 1, 22, 0, tzinfo=UTC)
DAY = datetime.timedelta(days=1)
CHANGELIST = "admin:permits_permit_changelist"


@pytest.fixture(autouse=True)
def server_on_utc_at_22(settings):
    settings.TIME_ZONE = "UTC"
    with time_machine.travel(NOW, tick=False):
        yield


class Site:
    """A community with its tower and an approved contractor."""

    def __init__(self, name: str, zone: str):
        self.community = CommunityFactory(name=name, time_zone=zone)
        self.property = PropertyFactory(community=self.community)
        self.contractor = MembershipFactory(community=self.community).contractor
        self.tz = zoneinfo.ZoneInfo(zone)

    def at(self, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime(2026, month, day, hour, minute, tzinfo=self.tz)

    def permit(self, *, starts=None, ends=None, **kwargs):
        starts = starts or ends - 10 * DAY
        ends = ends or starts + 10 * DAY
        return PermitFactory(
            community=self.community,
            property=self.property,
            contractor=self.contractor,
            valid_from=starts,
            valid_till=ends,
            **kwargs,
        )


@pytest.fixture
def dubai():
    return Site("Dubai Hills", "Asia/Dubai")


@pytest.fixture
def bogota():
    return Site("Bogotá Norte", "America/Bogota")


@pytest.fixture
def client(dubai, bogota):
    return logged_in(make_manager("two-zones", dubai.community, bogota.community))


def listed(client, **params) -> set[str]:
    response = client.get(reverse(CHANGELIST), {"status__exact": "all", **params})  # drafts too
    assert response.status_code == 200
    return {permit.reference for permit in response.context["cl"].result_list}


def refs(*permits) -> set[str]:
    return {permit.reference for permit in permits}


def column(content: str, name: str) -> list[str]:
    """The texts of a changelist column, sorted."""
    return sorted(re.findall(rf'class="field-{name}[^"]*">(?:<a [^>]*>)?([^<]+)<', content))


def test_expires_today_and_within_7_days_are_each_communitys_days(client, dubai, bogota):
    dubai_today = dubai.permit(ends=dubai.at(8, 2, 10))
    dubai_tomorrow = dubai.permit(ends=dubai.at(8, 3, 1))
    dubai_yesterday = dubai.permit(ends=dubai.at(8, 1, 23))
    bogota_today = bogota.permit(ends=bogota.at(8, 1, 20))  # 01:00 UTC on 2 Aug
    bogota_tomorrow = bogota.permit(ends=bogota.at(8, 2, 10))
    dubai_day_7, bogota_day_7 = dubai.permit(ends=dubai.at(8, 8, 23)), bogota.permit(ends=bogota.at(8, 7, 23))
    dubai.permit(ends=dubai.at(8, 9, 0, 30)), bogota.permit(ends=bogota.at(8, 8, 0, 30))  # day 8

    assert listed(client, expires="today") == refs(dubai_today, bogota_today)
    assert listed(client, expires="7d") == refs(
        dubai_today, dubai_tomorrow, dubai_day_7, bogota_today, bogota_tomorrow, bogota_day_7
    )
    assert dubai_yesterday.reference not in listed(client, expires="7d")


def test_starts_today_is_each_communitys_day(client, dubai, bogota):
    dubai_today = dubai.permit(starts=dubai.at(8, 2, 0, 30))
    dubai.permit(starts=dubai.at(8, 1, 23, 30))
    bogota_today = bogota.permit(starts=bogota.at(8, 1, 23, 30))  # 04:30 UTC on 2 Aug
    bogota.permit(starts=bogota.at(8, 2, 0, 30))
    assert listed(client, starts="today") == refs(dubai_today, bogota_today)


def test_the_filters_cost_the_same_queries_whatever_the_number_of_zones(client, dubai, bogota):
    dubai.permit(ends=dubai.at(8, 2, 10))

    def queries() -> int:
        client.get(reverse(CHANGELIST), {"expires": "today", "starts": "7d"})
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse(CHANGELIST), {"expires": "today", "starts": "7d"})
        return len(captured)

    two_zones = queries()
    for zone in ("Asia/Tokyo", "Europe/London", "Pacific/Kiritimati", "America/Anchorage"):
        Site(zone, zone).permit(ends=NOW + DAY)
    assert queries() == two_zones


def test_times_in_the_list_and_on_the_page_are_the_communitys(client, dubai, bogota):
    submitted = {"status": PermitStatus.SUBMITTED, "submitted_at": NOW}
    in_dubai = dubai.permit(ends=dubai.at(8, 20, 10), **submitted)
    in_bogota = bogota.permit(ends=bogota.at(8, 20, 10), **submitted)

    content = client.get(reverse(CHANGELIST)).content.decode()
    assert column(content, "waiting_since_display") == ["01 Aug 2026, 17:00", "02 Aug 2026, 02:00"]

    page = client.get(reverse("admin:permits_permit_change", args=[in_bogota.pk])).content.decode()
    assert "20 Aug 2026, 10:00" in page and "01 Aug 2026, 17:00" in page  # valid till; submitted
    page = client.get(reverse("admin:permits_permit_change", args=[in_dubai.pk])).content.decode()
    assert "20 Aug 2026, 10:00" in page and "02 Aug 2026, 02:00" in page


def test_membership_and_gate_scan_columns_are_on_the_communitys_clock(client, dubai, bogota):
    ContractorMembership.objects.update(status_changed_at=NOW)
    content = client.get(reverse("admin:contractors_contractormembership_changelist")).content.decode()
    assert column(content, "status_changed_at") == ["01 Aug 2026, 17:00", "02 Aug 2026, 02:00"]
    for index, site in enumerate((dubai, bogota)):
        GateScan.objects.create(permit=site.permit(ends=NOW + DAY), event_id=f"evt-{index}", scanned_at=NOW)
    content = client.get(reverse("admin:permits_gatescan_changelist")).content.decode()
    assert column(content, "scanned_at") == ["01 Aug 2026, 17:00", "02 Aug 2026, 02:00"]


def test_drift_times_are_on_the_communitys_clock(dubai, bogota):
    for site in (dubai, bogota):
        Drift.objects.create(kind="dates_differ", community=site.community, target_type="permit", target_id="1")
    Drift.objects.update(detected_at=NOW, resolved_at=NOW)
    operator = logged_in(UserFactory(is_staff=True, is_superuser=True))
    content = operator.get(reverse("admin:integrations_drift_changelist"), {"state": "all"}).content.decode()
    assert column(content, "detected_at") == ["01 Aug 2026, 17:00", "02 Aug 2026, 02:00"]
    assert "resolved 01 Aug 2026, 17:00" in content and "resolved 02 Aug 2026, 02:00" in content


def test_the_dashboard_counts_each_communitys_days(client, dubai, bogota):
    noc = {"dubai_day_7": (dubai, datetime.date(2026, 8, 9)), "dubai_yesterday": (dubai, datetime.date(2026, 8, 1))}
    noc |= {"bogota_today": (bogota, datetime.date(2026, 8, 1)), "bogota_day_8": (bogota, datetime.date(2026, 8, 9))}
    numbers = {}
    for name, (site, expiry) in noc.items():
        permit = site.permit(ends=site.at(9, 30, 10), status=PermitStatus.ACTIVE, with_noc=False)
        numbers[NocVersionFactory(permit=permit, expiry_date=expiry, issue_date=expiry - 90 * DAY).pk] = name
    soon = nocs_expiring_soon(NocVersion.objects.all())
    assert sorted(numbers[noc.pk] for noc in soon) == ["bogota_today", "dubai_day_7"]

    waiting = bogota.permit(ends=bogota.at(8, 20, 10), status=PermitStatus.SUBMITTED, submitted_at=NOW)
    content = client.get(reverse("admin:index")).content.decode()
    assert f"{waiting.reference}</a>" in content and "01 Aug 2026, 17:00" in content


def test_the_weekly_chart_counts_an_event_on_its_communitys_day(dubai, bogota):
    """Monday 3 August starts at 20:00 UTC on Sunday in Dubai, at 05:00 UTC on Monday in Bogotá."""
    sunday_evening_utc = datetime.datetime(2026, 8, 2, 22, 0, tzinfo=UTC)
    for site in (dubai, bogota):
        AuditEvent.objects.create(
            at=sunday_evening_utc,
            action="permits.permit.submitted",
            target_type="permit",
            target_id="1",
            community=site.community,
        )
    with time_machine.travel(datetime.datetime(2026, 8, 4, 12, tzinfo=UTC), tick=False):
        weeks = weekly_submitted_approved(AuditEvent.objects.all(), weeks=2)
    assert [(week["week"], week["submitted"]) for week in weeks] == [
        (datetime.date(2026, 7, 27), 1),  # Bogotá's Sunday
        (datetime.date(2026, 8, 3), 1),  # Dubai's Monday
    ]


def company(name: str, *sites):
    contractor = ContractorFactory(company_name=name, trade_licence_expiry=datetime.date(2026, 8, 1))
    for site in sites:
        MembershipFactory(contractor=contractor, community=site.community)
    return contractor


def test_a_companys_licence_has_expired_once_its_furthest_ahead_community_is_past_the_date(dubai, bogota):
    company("Dune LLC", dubai), company("Andes LLC", bogota), company("Both LLC", bogota, dubai)
    company("Nowhere LLC")  # no community yet: the server's day
    operator = logged_in(UserFactory(is_staff=True, is_superuser=True))

    def names(value: str) -> list[str]:
        response = operator.get(reverse("admin:contractors_contractor_changelist"), {"licence": value})
        return sorted(c.company_name for c in response.context["cl"].result_list if "LLC" in c.company_name)

    assert names("expired") == ["Both LLC", "Dune LLC"]
    assert names("soon") == ["Andes LLC", "Nowhere LLC"]


def test_the_csv_export_gives_each_permits_times_on_its_clock(client, dubai, bogota):
    for site in (dubai, bogota):
        site.permit(ends=site.at(8, 20, 10), status=PermitStatus.SUBMITTED, submitted_at=NOW)
    response = client.get(reverse("admin:permits_permit_export"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted((row["time_zone"], row["valid_till"], row["submitted_at"]) for row in rows) == [
        ("America/Bogota", "20 Aug 2026, 10:00", "01 Aug 2026, 17:00"),
        ("Asia/Dubai", "20 Aug 2026, 10:00", "02 Aug 2026, 02:00"),
    ]
