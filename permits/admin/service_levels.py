"""The service-level report in the admin: a page (table and chart), its CSV, and the dashboard panel.

Everything reads the waits of the signed-in user's communities (``scope_to_communities``).
"""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.core.admin_dashboard import admin_url, bar_chart, dashboard_provider
from portal.core.scoping import scope_to_communities

from ..models import Permit, PermitDecision
from ..selectors.deadlines import due_queue, due_state
from ..selectors.service_levels import ServiceLevel, service_levels
from .export import safe_cell

DEFAULT_MONTHS, MAX_MONTHS, DASHBOARD_MONTHS = 12, 36, 6
CSV_HEADER = [
    "community",
    "month",
    "decisions",
    "within_deadline",
    "share_within_deadline",
    "median_working_hours",
    "p90_working_hours",
    "overdue_now",
]


def months_asked(request) -> int:
    try:
        months = int(request.GET.get("months", DEFAULT_MONTHS))
    except ValueError:
        return DEFAULT_MONTHS
    return min(max(months, 1), MAX_MONTHS)


def chart_of(levels: list[ServiceLevel]) -> dict:
    return bar_chart(
        [{"label": level.label, "decisions": level.decisions, "within": level.within} for level in levels],
        ["decisions", "within"],
        bar=12,
        gap=24,
    )


def report_urls(model_admin) -> list:
    def guarded(view):
        def checked(request):
            if not model_admin.has_view_permission(request):
                raise PermissionDenied
            return view(request, model_admin.get_queryset(request))

        return model_admin.admin_site.admin_view(checked)

    return [
        path("report/", guarded(report_view), name="permits_permitdecision_report"),
        path("report.csv", guarded(report_csv_view), name="permits_permitdecision_report_csv"),
    ]


def report_view(request, waits):
    months = months_asked(request)
    overall = service_levels(waits, months=months, by_community=False)
    context = {
        **_admin_context(request),
        "title": _("Decision service levels"),
        "months": months,
        "rows": service_levels(waits, months=months),
        "overall": overall,
        "chart": chart_of(overall),
        "csv_url": admin_url("permits_permitdecision_report_csv", query=f"months={months}"),
    }
    return TemplateResponse(request, "admin/permits/permitdecision/report.html", context)


def report_csv_view(request, waits):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="decision-service-levels-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for level in service_levels(waits, months=months_asked(request)):
        writer.writerow(
            [
                safe_cell(level.community_name),
                date_format(level.month, "YEAR_MONTH_FORMAT"),  # the one format: "Dec 2026"
                level.decisions,
                level.within,
                "" if level.share_within is None else f"{level.share_within:.3f}",
                "" if level.median_hours is None else level.median_hours,
                "" if level.p90_hours is None else level.p90_hours,
                "" if level.overdue_now is None else level.overdue_now,
            ]
        )
    return response


def _admin_context(request) -> dict:
    from django.contrib import admin

    return {**admin.site.each_context(request), "opts": PermitDecision._meta}


@dashboard_provider(order=120)
def deadlines_panel(request) -> dict:
    if not request.user.has_perm("permits.view_permit"):
        return {}
    queue = due_queue(scope_to_communities(Permit.objects.all(), request.user))
    context = {"deadline_queue": [(permit, due_state(permit.decision_due_at)) for permit in queue]}
    if request.user.has_perm("permits.view_permitdecision"):
        waits = scope_to_communities(PermitDecision.objects.all(), request.user)
        monthly = service_levels(waits, months=DASHBOARD_MONTHS, by_community=False)
        context |= {
            "service_levels": monthly,
            "service_levels_chart": chart_of(monthly),
            "service_levels_url": admin_url("permits_permitdecision_report"),
            "service_levels_csv_url": admin_url("permits_permitdecision_report_csv"),
        }
    return context
