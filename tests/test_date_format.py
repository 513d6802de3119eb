"""One way to write dates and times, for every audience: "05 Dec 2026, 08:00", on the community's clock.

Renders the main pages of each audience (the manager's admin list, permit page and dashboard; the
contractor's list, permit and pass; an e-mail; the CSV export) and reads every date in them: each is
day-month-year (24-hour when it has a time), none is in another format.
"""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.core.formats import format_date
from portal.integrations.notifications.messages import notification_email
from portal.integrations.notifications.models import Notification
from portal.integrations.notifications.reminders import permit_data
from tests.factories import (
    CommunityFactory,
    ContractorUserFactory,
    PropertyFactory,
    StaffMembershipFactory,
    UserFactory,
    permit_in_status,
)

pytestmark = pytest.mark.django_db

DUBAI = datetime.timezone(datetime.timedelta(hours=4))
VALID_FROM = datetime.datetime(2027, 1, 5, 8, 0, tzinfo=DUBAI)
VALID_TILL = datetime.datetime(2027, 1, 31, 18, 0, tzinfo=DUBAI)

MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
ONE_FORMAT = re.compile(rf"\b\d{{2}} {MONTH} \d{{4}}(?:, \d{{2}}:\d{{2}})?")
OTHER_FORMATS = {
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "month first": re.compile(rf"\b{MONTH}\.? \d{{1,2}}, \d{{4}}"),
    "12-hour clock": re.compile(r"\b\d{1,2}(?::\d{2})? ?[ap]\.?m\b\.?", re.IGNORECASE),
    "slashes": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    "day-month-year with dashes": re.compile(r"(?<![\d-])\d{1,2}-\d{1,2}-\d{4}\b"),
    "day without leading zero": re.compile(rf"(?<!\d)\d {MONTH} \d{{4}}"),
    "long month name": re.compile(
        r"\b\d{1,2} (?:January|February|March|April|June|July|August|September|October|November|December) \d{4}"
    ),
}


def visible_text(page: str) -> str:
    """The words a person reads: no tags (``datetime="…"`` attributes are for machines), no styles or scripts."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL | re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def dates_in(text: str) -> list[str]:
    wrong = [f"{name}: {match}" for name, pattern in OTHER_FORMATS.items() for match in pattern.findall(text)]
    assert wrong == [], "dates in another format"
    return ONE_FORMAT.findall(text)


@pytest.fixture
def world():
    community = CommunityFactory(name="DAMAC Hills", time_zone="Asia/Dubai")
    tower = PropertyFactory(community=community, name="Tower 7", external_id="DAMAC-TWR-07")
    validity = {"valid_from": VALID_FROM, "valid_till": VALID_TILL}
    permit = permit_in_status("active", community=community, property=tower, **validity)
    manager = UserFactory(username="sara", first_name="Sara", is_staff=True)
    manager.groups.add(Group.objects.get(name="Property managers"))
    StaffMembershipFactory(user=manager, community=community)
    contractor_user = ContractorUserFactory(contractor=permit.contractor, user__username="omar").user
    return permit, manager, contractor_user


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return visible_text(response.content.decode())


def test_the_managers_pages_write_dates_one_way(world):
    permit, manager, _ = world
    client = client_of(manager)
    listing = page(client, reverse("admin:permits_permit_changelist"), status__exact="all")
    assert "05 Jan 2027 → 31 Jan 2027" in " ".join(listing.split())
    assert listing.count("Asia/Dubai") == 1  # the zone named once

    decision = page(client, reverse("admin:permits_permit_change", args=[permit.pk]))
    assert "05 Jan 2027, 08:00 – 31 Jan 2027, 18:00" in decision
    assert dates_in(decision)
    assert decision.count("Asia/Dubai") == 1

    assert dates_in(page(client, reverse("admin:index")))


def test_the_contractors_pages_and_the_pass_write_dates_one_way(world):
    permit, _, contractor_user = world
    client = client_of(contractor_user)
    assert "05 Jan 2027" in dates_in(page(client, reverse("permits:list")))
    detail = page(client, reverse("permits:detail", args=[permit.reference]))
    assert {"05 Jan 2027, 08:00", "31 Jan 2027, 18:00"} <= set(dates_in(detail))
    assert detail.count("Asia/Dubai") == 1
    the_pass = page(client, reverse("permits:pass", args=[permit.reference]))
    assert {"05 Jan 2027, 08:00", "31 Jan 2027, 18:00"} <= set(dates_in(the_pass))
    assert the_pass.count("Asia/Dubai") == 2  # the bilingual pass names it once in each language
    assert dates_in(page(client, reverse("permits:company")))


def test_an_email_writes_dates_one_way(world):
    permit, _, contractor_user = world
    data = {**permit_data(permit), "ends": permit.valid_till.isoformat()}
    notification = Notification.objects.create(recipient=contractor_user, kind="permit_ending", key="k", data=data)
    mail = notification_email(notification, contractor_user)
    assert "31 Jan 2027, 18:00" in dates_in(mail.subject + "\n" + mail.body)
    assert "31 Jan 2027, 18:00" in dates_in(visible_text(mail.alternatives[0][0]))


def test_the_csv_writes_dates_one_way(world):
    _permit, manager, _ = world
    response = client_of(manager).get(reverse("admin:permits_permit_export"), {"status__exact": "all"})
    text = b"".join(response.streaming_content).decode()
    assert {"05 Jan 2027, 08:00", "31 Jan 2027, 18:00"} <= set(dates_in(text))


def test_a_day_is_written_in_the_language_active_when_it_is_written():
    """``format_date`` remembers the days it wrote, per language: a day first written in one language is
    still written in the other's words when the other is active."""
    day = datetime.date(2027, 2, 9)
    with translation.override("en"):
        english = format_date(day)
    with translation.override("ar"):
        arabic = format_date(day)
    with translation.override("en"):
        assert format_date(day) == english == "09 Feb 2027"
    assert arabic != english
    assert format_date(None) == ""
