"""The company's calendar of its own permits, its private feed, and the feed (.ics) itself."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contractors.local_time import contractor_today
from contractors.views import contractor_required

from ..models import CalendarFeed, Permit
from ..selectors.calendar import calendar_page, parse_calendar_query
from ..selectors.ical import feed_for_token, feed_ics
from ..services.feeds import calendar_feed_revoke, calendar_feed_rotate
from ._helpers import actor_for
from .feed_once import feed_context, remember_new_feed


@require_GET
@contractor_required
def calendar(request):
    contractor = request.contractor
    page = calendar_page(
        Permit.objects.filter(contractor=contractor),
        parse_calendar_query(request.GET),
        today=contractor_today(contractor),
        link=lambda permit: reverse("permits:detail", args=[permit.reference]),
    )
    feed = CalendarFeed.objects.filter(contractor=contractor).first()
    context = {"page": page, **feed_context(request, feed, reverse("permits:calendar_feed"))}
    return render(request, "portal/calendar.html", context)


@require_POST
@contractor_required
def calendar_feed(request):
    if request.POST.get("action") == "revoke":
        calendar_feed_revoke(actor=actor_for(request), contractor=request.contractor)
        messages.success(request, _("Your calendar feed is revoked: its address no longer works."))
    else:
        _feed, token = calendar_feed_rotate(actor=actor_for(request), contractor=request.contractor)
        remember_new_feed(request, token)
        messages.success(request, _("Your calendar feed has a new address; any earlier one no longer works."))
    return redirect(reverse("permits:calendar") + "#feed")


@require_GET
def calendar_ics(request, token: str):
    """No session: the secret in the URL is the credential. Unknown, rotated or revoked: 404."""
    feed = feed_for_token(token)
    if feed is None:
        raise Http404(_("No such calendar."))
    if feed.user is not None:
        name = _("Permits") + f" · {feed.user.get_username()}"
        link = lambda permit: reverse("admin:permits_permit_change", args=[permit.pk])  # noqa: E731
    else:
        name = _("Permits") + f" · {feed.contractor.company_name}"
        link = lambda permit: reverse("permits:detail", args=[permit.reference])  # noqa: E731
    body = feed_ics(feed, lambda permit: request.build_absolute_uri(link(permit)), name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="permits.ics"'
    return response
