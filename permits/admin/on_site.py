"""The "On site now" page for security and managers, and its fragment the page polls (``on-site.js``).

Scoped to the viewer's communities; the fragment is the same table, so the page works without script.
"""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.formats import format_datetime
from portal.core.scoping import scope_to_communities

from ..models import WorkerPresence
from ..selectors.scans import on_site_summary

ROW_LIMIT = 200  # past this, the page asks to choose a tower
REFRESH_SECONDS = 30


def on_site_context(request) -> dict:
    presence = scope_to_communities(WorkerPresence.objects.all(), request.user)
    chosen = request.GET.get("property", "")
    summary = on_site_summary(presence, property_id=int(chosen) if chosen.isdigit() else None, limit=ROW_LIMIT)
    return {
        "counts": summary.counts,
        "total": summary.total,
        "rows": [_row(worker) for worker in summary.workers],
        "truncated": summary.truncated,
        "row_limit": ROW_LIMIT,
        "chosen": chosen,
        "refreshed_at": timezone.now(),
    }


def _row(worker: dict) -> dict:
    """What a line shows, prepared here: a few hundred lines render in a few milliseconds."""
    time_out = worker["permit__time_out"]
    return {
        "worker": worker["employee_name"],
        "company": worker["permit__contractor__company_name"],
        "url": reverse("admin:permits_permit_change", args=[worker["permit_id"]]),
        "reference": worker["permit__reference"],
        "unit": worker["permit__main_unit__external_id"],
        "where": f"{worker['community__name']} · {worker['property__name']}",
        "entered": format_datetime(worker["scanned_at"], zoneinfo.ZoneInfo(worker["community__time_zone"])),
        "gate": worker["scan__gate"],
        "time_out": time_out.strftime("%H:%M") if time_out else "",
    }


def urls(model_admin) -> list:
    def check(request):
        if not model_admin.has_view_permission(request):
            raise PermissionDenied

    def page(request):
        check(request)
        context = {
            **model_admin.admin_site.each_context(request),
            **on_site_context(request),
            "title": _("On site now"),
            "fragment_url": reverse("admin:permits_gatescan_on_site_fragment"),
            "refresh_seconds": REFRESH_SECONDS,
            "opts": model_admin.model._meta,
        }
        return render(request, "admin/permits/scans/on_site.html", context)

    def fragment(request):
        check(request)
        return render(request, "admin/permits/scans/_on_site_table.html", on_site_context(request))

    wrap = model_admin.admin_site.admin_view
    return [
        path("on-site/", wrap(page), name="permits_gatescan_on_site"),
        path("on-site/fragment/", wrap(fragment), name="permits_gatescan_on_site_fragment"),
    ]
