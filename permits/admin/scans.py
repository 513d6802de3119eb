"""What the gate scans add to the admin: the flag filter of the permit list, the dashboard's flag and trend
panels (their own provider and template), and the flags panel of the permit page."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from portal.core.admin_dashboard import admin_url, bar_chart, dashboard_provider
from portal.core.admin_panels import Panel, admin_panel
from portal.core.local_time import local_today
from portal.core.models import Community
from portal.core.scoping import scope_to_communities

from ..models import Permit
from ..selectors import scans as selectors
from ..selectors.admin import review_examples

FLAG_LIST_LENGTH = 5
HEAT_LEVELS = 5


class ScanFlagFilter(admin.SimpleListFilter):
    title = _("gate scans")
    parameter_name = "scan_flag"

    def lookups(self, request, model_admin):
        return [(flag.code, flag.label) for flag in selectors.FLAGS]

    def queryset(self, request, queryset):
        if self.value() in selectors.FLAG_CODES:
            return selectors.flagged(queryset, self.value())
        return queryset


@dashboard_provider(order=150)
def scans_panel(request) -> dict:
    """On the index, a place the page fills from ``dashboard_panels_fragment`` once it is shown
    (``dashboard-panels.js``): the flags' examples and the trends were a third of the index's time, and the
    work queues above them are what a manager acts on first. The flags' links are there without script."""
    if not request.user.has_perm("permits.view_permit"):
        return {}
    changelist = admin_url("permits_permit_changelist")
    return {
        "scan_panels_url": admin_url("permits_gatescan_dashboard_panels"),
        "scan_flag_links": [
            {"flag": flag, "url": changelist and f"{changelist}?scan_flag={flag.code}"} for flag in selectors.FLAGS
        ],
    }


def scan_panels_context(request) -> dict:
    """The gate-scan flags (counts and first examples) and the trends of the viewer's communities."""
    now = timezone.now()
    permits = scope_to_communities(Permit.objects.all(), request.user)
    conditions = selectors.flag_conditions(now)
    counts = selectors.flag_counts(permits, conditions=conditions)
    changelist = admin_url("permits_permit_changelist")
    flags = []
    for flag in selectors.FLAGS:
        examples = []
        if counts[flag.code]:
            # The first rows of the list the flag's link opens, in its order (read along its index).
            examples = review_examples(permits.filter(conditions[flag.code]), FLAG_LIST_LENGTH)
        flags.append(
            {
                "flag": flag,
                "count": counts[flag.code],
                "url": changelist and f"{changelist}?scan_flag={flag.code}",
                "examples": examples,
            }
        )
    return {
        "scan_flags": flags,
        "scan_trends": _trends(request, now),
        "on_site_url": admin_url("permits_gatescan_on_site"),
    }


def urls(model_admin) -> list:
    def dashboard_panels_fragment(request):
        # The index shows the place to whoever may view permits (``scans_panel``): the same right fills it,
        # whether or not the user may browse the scans themselves.
        if not request.user.has_perm("permits.view_permit"):
            raise PermissionDenied
        return render(request, "admin/permits/scans/_dashboard_panels.html", {"dash": scan_panels_context(request)})

    wrap = model_admin.admin_site.admin_view
    return [
        path("dashboard-panels/", wrap(dashboard_panels_fragment), name="permits_gatescan_dashboard_panels"),
    ]


def _trends(request, now: datetime.datetime) -> list[dict]:
    communities = list(scope_to_communities(Community.objects.order_by("name"), request.user, "pk"))
    if not communities:
        return []
    today = max(local_today(community.tzinfo, now) for community in communities)
    ids = [community.pk for community in communities]
    series = selectors.scan_trends(ids, today=today)
    heat = selectors.busiest_hours(ids, today=today)
    result = []
    for community in communities:
        days = series[community.pk]
        rows = [{"label": _tick(row["day"], index), **row} for index, row in enumerate(days)]
        result.append(
            {
                "community": community,
                "chart": bar_chart(rows, ["scans", "workers"], height=100, bar=5, gap=3),
                "days": days,
                "heat": _heat_rows(heat[community.pk]),
                "heat_hours": HOURS,
                "total_scans": sum(row["scans"] for row in days),
            }
        )
    return result


def _tick(day: datetime.date, index: int) -> str:
    return date_format(day, "MONTH_DAY_FORMAT") if index % 7 == 0 else ""


HOURS = [f"{hour:02d}" for hour in range(24)]  # the heat map's columns, community time
WEEKDAYS = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def _heat_rows(heat: dict) -> list[dict]:
    """A row per weekday: its name, and its 24 hour cells drawn as markup (168 cells through the template
    engine's per-variable cost were most of the panel's rendering time)."""
    peak = heat["peak"] or 1
    return [
        {"weekday": WEEKDAYS[index], "cells_html": _heat_cells(line, peak)} for index, line in enumerate(heat["grid"])
    ]


def _heat_cells(line: list[int], peak: int) -> SafeString:
    cells = (
        f'<td class="h{_heat_level(value, peak)}" title="{value}"><span class="visually-hidden">{value}</span></td>'
        for value in line
    )
    return mark_safe("".join(cells))  # counts only: nothing to escape


def _heat_level(value: int, peak: int) -> int:
    """0 for no scan, then 1 to ``HEAT_LEVELS`` by share of the busiest hour."""
    return 0 if not value else 1 + min(HEAT_LEVELS - 1, value * HEAT_LEVELS // (peak + 1))


@admin_panel("permits.permit", order=50)
def permit_scan_flags_panel(request, permit) -> Panel | None:
    flags = selectors.permit_flags(permit)
    html = render_to_string(
        "admin/permits/scans/_permit_flags.html",
        {"flags": flags},
        request=request,
    )
    return Panel(id="permit-scan-flags", title=str(_("Gate scan flags")), html=html)
