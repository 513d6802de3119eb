"""The private .ics feeds: parsed with ``icalendar``, times on the community's clock, revocable."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from permits.models import CalendarFeed
from permits.models.feed import feed_token_hash
from tests.admin.conftest import logged_in
from tests.factories import permit_in_status

from .conftest import DUBAI, dubai

pytestmark = pytest.mark.django_db


@pytest.fixture
def permits(community_a, community_b, property_a, property_b, contractor_a, contractor_b, day):
    common = {"valid_from": dubai(day, 6), "valid_till": dubai(day + datetime.timedelta(days=4), 20)}
    a = permit_in_status("approved", community=community_a, property=property_a, contractor=contractor_a, **common)
    b = permit_in_status("submitted", community=community_b, property=property_b, contractor=contractor_b, **common)
    return a, b


def feed_url(client, post_to: str) -> str:
    client.post(post_to, {"action": "rotate"})
    page = client.get(post_to.removesuffix("feed/"))
    return page.context["feed_url"]


def events_of(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(event["uid"]).split("@")[0]: event for event in calendar.walk("VEVENT")}


def test_manager_feed_has_their_permits_at_local_times(manager_a, permits, day):
    a, _b = permits
    url = feed_url(logged_in(manager_a), reverse("admin:permits_permit_calendar_feed"))
    events = events_of(Client(), url)  # no session: the token is the key
    assert set(events) == {a.reference}
    event = events[a.reference]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=DUBAI)  # daily hours 08:00-17:00
    assert end == datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=DUBAI)
    assert start.tzinfo.key == "Asia/Dubai"
    assert event["dtstart"].params["TZID"] == "Asia/Dubai"
    until = event["rrule"]["UNTIL"][0]
    assert until.astimezone(DUBAI).date() == day + datetime.timedelta(days=4)
    assert event["status"] == "CONFIRMED"
    assert f"/admin/permits/permit/{a.pk}/change/" in str(event["url"])
    calendar = Calendar.from_ical(logged_in(manager_a).get(url).content)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Dubai"]


def test_a_permit_without_daily_hours_spans_its_window(manager_a, community_a, property_a, contractor_a, day):
    permit = permit_in_status(
        "submitted",
        community=community_a,
        property=property_a,
        contractor=contractor_a,
        valid_from=dubai(day, 6),
        valid_till=dubai(day, 22),
    )
    type(permit).objects.filter(pk=permit.pk).update(time_in=None, time_out=None)
    url = feed_url(logged_in(manager_a), reverse("admin:permits_permit_calendar_feed"))
    event = events_of(logged_in(manager_a), url)[permit.reference]
    assert event.decoded("dtstart") == dubai(day, 6)
    assert event.decoded("dtend") == dubai(day, 22)
    assert "rrule" not in event
    assert event["status"] == "TENTATIVE"


def test_contractor_feed_has_only_their_company(contractor_user_a, contractor_user_b, permits):
    _a, b = permits
    url = feed_url(logged_in(contractor_user_b), reverse("permits:calendar_feed"))
    events = events_of(logged_in(contractor_user_a), url)  # whoever holds the URL reads B's, and only B's
    assert set(events) == {b.reference}
    assert f"/permits/{b.reference}/" in str(events[b.reference]["url"])


def test_revoked_and_rotated_urls_answer_404(contractor_user_a, permits):
    client = logged_in(contractor_user_a)
    first = feed_url(client, reverse("permits:calendar_feed"))
    second = feed_url(client, reverse("permits:calendar_feed"))
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    client.post(reverse("permits:calendar_feed"), {"action": "revoke"})
    assert client.get(second).status_code == 404
    assert not CalendarFeed.objects.exists()
    assert client.get(reverse("permits:calendar_ics", args=["made-up-token"])).status_code == 404


def test_a_manager_who_left_has_a_dead_feed(manager_a, permits):
    url = feed_url(logged_in(manager_a), reverse("admin:permits_permit_calendar_feed"))
    manager_a.is_active = False
    manager_a.save()
    assert Client().get(url).status_code == 404


def test_feed_changes_are_audited(contractor_user_a, permits):
    from portal.core.models import AuditEvent

    client = logged_in(contractor_user_a)
    client.post(reverse("permits:calendar_feed"), {"action": "rotate"})
    client.post(reverse("permits:calendar_feed"), {"action": "revoke"})
    actions = list(
        AuditEvent.objects.filter(target_type="calendarfeed").order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["permits.calendar_feed.rotated", "permits.calendar_feed.revoked"]


def test_the_address_is_shown_once_and_only_its_hash_is_stored(contractor_user_a, permits):
    client = logged_in(contractor_user_a)
    url = feed_url(client, reverse("permits:calendar_feed"))
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    again = client.get(reverse("permits:calendar"))
    assert again.context["feed_url"] == "" and token not in again.content.decode()
    assert f"…/calendar/{token[:6]}…" in again.content.decode()  # recognisable, not usable
    feed = CalendarFeed.objects.get()
    assert token not in (feed.token_hash, feed.prefix) and len(feed.token_hash) == 64
    assert client.get(url).status_code == 200  # the address itself still works


def test_an_address_made_before_hashing_keeps_working(contractor_a):
    """Migration 0016 hashes the tokens already handed out (the same function the lookup uses)."""
    import importlib

    migration = importlib.import_module("permits.migrations.0016_calendar_feed_token_hashed")
    feed = CalendarFeed(contractor=contractor_a)
    feed.token = "an-old-token-from-before"

    class Rows:
        @staticmethod
        def all():
            return [feed]

    class Model:
        objects = Rows

    feed.save = lambda update_fields: None
    migration.hash_tokens(type("Apps", (), {"get_model": staticmethod(lambda *_: Model)}), None)
    assert feed.token_hash == feed_token_hash("an-old-token-from-before") and feed.prefix == "an-old"
