"""The managers' calendar of permits (their communities only) and their private calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.actors import Actor
from portal.core.local_time import default_zone, local_today
from portal.core.models import Community

from ..models import CalendarFeed, Permit
from ..selectors.calendar import calendar_page, parse_calendar_query
from ..services.feeds import calendar_feed_revoke, calendar_feed_rotate
from ..views.feed_once import feed_context, remember_new_feed


def calendar_urls(model_admin) -> list:
    wrap = model_admin.admin_site.admin_view

    def calendar(request):
        return calendar_view(model_admin, request)

    def feed(request):
        return feed_view(model_admin, request)

    return [
        path("calendar/", wrap(calendar), name="permits_permit_calendar"),
        path("calendar/feed/", wrap(require_POST(feed)), name="permits_permit_calendar_feed"),
    ]


def _today(permits, community_id: int | None):
    """Today on the clock of the community shown (the first one the user sees when several are)."""
    community = Community.objects.filter(pk__in=permits.values("community_id"))
    community = (community.filter(pk=community_id) if community_id else community).order_by("name").first()
    return local_today(community.tzinfo if community else default_zone())


def calendar_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    permits = model_admin.scope_queryset(request, Permit.objects.all())
    query = parse_calendar_query(request.GET)
    page = calendar_page(
        permits,
        query,
        today=_today(permits, query.community_id),
        link=lambda permit: reverse("admin:permits_permit_change", args=[permit.pk]),
    )
    feed = CalendarFeed.objects.filter(user=request.user).first()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Permit calendar"),
        "page": page,
        **feed_context(request, feed, reverse("admin:permits_permit_calendar_feed")),
    }
    return TemplateResponse(request, "admin/permits/permit/calendar.html", context)


def feed_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    actor = Actor.for_user(request.user)
    if request.POST.get("action") == "revoke":
        calendar_feed_revoke(actor=actor, user=request.user)
        messages.success(request, _("Your calendar feed is revoked: its address no longer works."))
    else:
        _feed, token = calendar_feed_rotate(actor=actor, user=request.user)
        remember_new_feed(request, token)
        messages.success(request, _("Your calendar feed has a new address; any earlier one no longer works."))
    return redirect(reverse("admin:permits_permit_calendar") + "#feed")
