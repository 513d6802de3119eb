"""A new calendar feed address is shown once, on the page the owner lands on after making it.

The token is kept in the session only between the POST that made it and the next page, then dropped."""

from __future__ import annotations

from django.urls import reverse

from ..models import CalendarFeed

SESSION_KEY = "calendar_feed_new_url"


def remember_new_feed(request, token: str) -> None:
    request.session[SESSION_KEY] = request.build_absolute_uri(reverse("permits:calendar_ics", args=[token]))


def feed_context(request, feed: CalendarFeed | None, action: str) -> dict:
    """``feed_url`` only right after it was made; ``feed`` (its prefix and date) whenever one exists."""
    return {"feed": feed, "feed_url": request.session.pop(SESSION_KEY, "") if feed else "", "feed_action": action}
