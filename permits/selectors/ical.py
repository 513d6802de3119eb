"""The .ics feed of a manager's or a company's permits, on each permit's community's clock."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from ..choices import PermitStatus, PermitType
from ..models import CalendarFeed, Permit
from ..models.feed import feed_token_hash
from .access import permits_visible_to

FEED_STATUSES = (
    PermitStatus.SUBMITTED,
    PermitStatus.CHANGES_REQUESTED,
    PermitStatus.APPROVED,
    PermitStatus.ACTIVE,
    PermitStatus.EXPIRED,
)
CONFIRMED = (PermitStatus.APPROVED, PermitStatus.ACTIVE, PermitStatus.EXPIRED)
PAST_DAYS, FUTURE_DAYS, MAX_EVENTS = 60, 400, 2000


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed with this token whose owner may still see permits; else None (the URL is a 404)."""
    feed = CalendarFeed.objects.select_related("user", "contractor").filter(token_hash=feed_token_hash(token)).first()
    if feed is None or (feed.user is not None and not (feed.user.is_active and feed.user.is_staff)):
        return None
    return feed


def feed_permits(feed: CalendarFeed, *, now: datetime.datetime | None = None):
    now = now or timezone.now()
    permits = (
        permits_visible_to(feed.user) if feed.user is not None else Permit.objects.filter(contractor=feed.contractor)
    )
    return (
        permits.filter(
            status__in=FEED_STATUSES,
            valid_till__gte=now - datetime.timedelta(days=PAST_DAYS),
            valid_from__lte=now + datetime.timedelta(days=FUTURE_DAYS),
        )
        .select_related("community", "property", "main_unit", "contractor")
        .order_by("valid_from", "pk")[:MAX_EVENTS]
    )


def permit_event(permit: Permit, url: str) -> Event:
    """One event; with daily hours, an event each day from ``time_in`` to ``time_out`` (a daily recurrence)."""
    tz = permit.community.tzinfo
    start, end = permit.valid_from.astimezone(tz), permit.valid_till.astimezone(tz)
    event = Event()
    event.add("uid", f"{permit.reference}@permit-portal")
    event.add("dtstamp", permit.updated_at)
    event.add("summary", f"{permit.reference} · {permit.main_unit.external_id} · {_type_label(permit)}")
    event.add("location", f"{permit.property.name}, {permit.community.name}")
    event.add("description", f"{permit.contractor.company_name}\n{permit.get_status_display()}\n{permit.jobs_summary}")
    event.add("status", "CONFIRMED" if permit.status in CONFIRMED else "TENTATIVE")
    event.add("url", url)
    if permit.time_in and permit.time_out:
        last_day = (end - datetime.timedelta(microseconds=1)).date()
        event.add("dtstart", datetime.datetime.combine(start.date(), permit.time_in, tzinfo=tz))
        event.add("dtend", datetime.datetime.combine(start.date(), permit.time_out, tzinfo=tz))
        until = datetime.datetime.combine(last_day, permit.time_in, tzinfo=tz).astimezone(datetime.UTC)
        event.add("rrule", vRecur(freq="DAILY", until=until))
    else:
        event.add("dtstart", start)
        event.add("dtend", end)
    return event


def feed_ics(feed: CalendarFeed, permit_url: Callable[[Permit], str], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Permit portal//Work permits//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("method", "PUBLISH")
    for permit in feed_permits(feed):
        calendar.add_component(permit_event(permit, permit_url(permit)))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _type_label(permit: Permit) -> str:
    return dict(PermitType.choices).get(permit.permit_type, permit.permit_type)
