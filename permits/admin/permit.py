"""The permit review list and the read-only permit page with its decision buttons."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.core.admin_local_time import CommunityClockAdminMixin, community_time_column
from portal.core.admin_paginator import EstimatedCountPaginator
from portal.core.admin_panels import panels_for
from portal.core.admin_rows import LeanActionCheckboxMixin, LeanRowLinksMixin
from portal.core.admin_scoping import CommunityScopedAdminMixin, ReadOnlyAdminMixin, ServiceMovesAdminMixin
from portal.core.formats import format_date, format_local_date
from portal.core.local_time import zones_of
from portal.core.scoping import managed_community_ids

from ..badges import status_badge
from ..models import GateScan, Permit
from ..selectors.admin import (
    permit_search_q,
    permits_for_review,
    review_ordering,
)
from ..selectors.decision import decision_flags
from ..selectors.history import permit_history_lines
from ..selectors.people import id_number_conflicts, manager_warning
from ..selectors.rules import current_noc
from . import actions, attention, deadlines, filters, inlines, on_site, queues, scans, views
from .calendar import calendar_urls
from .clashes import HasClashesFilter
from .export import permits_csv_response
from .scans import ScanFlagFilter

PERMIT_FIELDSETS = [
    (None, {"fields": ["reference", "crm_reference", "source", "status", "permit_type"]}),
    (_("Where and who"), {"fields": ["community", "property", "main_unit", "additional_units_list", "contractor"]}),
    (_("Validity"), {"fields": ["valid_from", "valid_till", "time_in", "time_out"]}),
    (_("Representative and work"), {"fields": ["representative_name", "representative_contact", "jobs_summary"]}),
    (
        _("Review"),
        {
            "fields": [
                "submitted_at",
                "status_changed_at",
                "decision_note",
                "revocation_reason",
                "extension_requested_till",
                "extension_request_note",
                "compliance_issue",
                "work_started_at",
                "last_off_hours_entry_at",
            ]
        },
    ),
    (_("Pass"), {"fields": ["pass_number", "access_code", "pass_issued_at", "pass_documentation_url"]}),
    (_("Record"), {"fields": ["created_by", "created_at", "updated_at"], "classes": ["collapse"]}),
]


def _split_panels(panels) -> dict:
    """What a reviewer must see (needs attention, deadline, clashes, scan flags) stays open, under the
    decision; what only an administrator digs into (the partners' ids and pushes) is folded away."""
    return {
        "panels": [panel for panel in panels if not panel.collapsed],
        "folded_panels": [panel for panel in panels if panel.collapsed],
    }


@admin.register(Permit)
class PermitAdmin(
    LeanActionCheckboxMixin,
    LeanRowLinksMixin,
    CommunityClockAdminMixin,
    ServiceMovesAdminMixin,
    CommunityScopedAdminMixin,
    admin.ModelAdmin,
):
    """Read-only page: every change is a button that calls a service (see ``views.BUTTONS``).

    Dates and times are on the permit's community's clock, in the list and on the page.
    """

    list_display = [
        "reference",
        deadlines.decide_by,  # second, so the reviewer sees it without scrolling the list sideways
        "unit",
        "contractor_name",
        "permit_type",
        "status_badge",
        "validity",
        "noc_expiry_display",
        community_time_column("waiting_since", name="waiting_since_display", description=_("waiting since")),
    ]
    list_filter = [
        filters.ReviewStatusFilter,
        "community",
        ("property", filters.ShortListRelatedFilter),
        ("contractor", filters.ShortListRelatedFilter),
        "permit_type",
        filters.StartsSoonFilter,
        filters.EndsSoonFilter,
        filters.NocCoverageFilter,
        HasClashesFilter,
        ScanFlagFilter,
        deadlines.DueFilter,
        queues.WorkQueueFilter,
    ]
    list_select_related = ["community", "main_unit", "contractor"]
    search_fields = ["reference"]  # the real search is ``permit_search_q``
    search_help_text = _("Reference, unit, company, plate or worker name.")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    actions = [actions.approve_selected, actions.reject_selected, actions.export_selected_csv]
    fieldsets = PERMIT_FIELDSETS
    readonly_fields = [name for _, options in PERMIT_FIELDSETS for name in options["fields"]]
    inlines = [
        inlines.NocVersionInline,
        inlines.WorkerInline,
        inlines.VehicleInline,
        inlines.GateScanInline,
    ]
    change_list_template = "admin/permits/permit/change_list.html"
    change_form_template = "admin/permits/permit/change_form.html"

    class Media:
        css = {"all": ["portal/admin-deadlines.css"]}

    # --- who may do what: the page is read-only, decisions need the change permission ---

    def can_decide(self, request) -> bool:
        return super().has_change_permission(request)

    # --- the review list ---

    def get_queryset(self, request):
        return permits_for_review(super().get_queryset(request))

    def get_ordering(self, request):
        return filters.window_ordering(request.GET) or review_ordering()

    def get_search_results(self, request, queryset, search_term):
        queryset = self.scope_queryset(request, queryset)
        if not search_term.strip():
            return queryset, False
        return queryset.filter(permit_search_q(search_term)), False

    @admin.display(description=_("unit"), ordering="main_unit__external_id")
    def unit(self, permit):
        return permit.main_unit.external_id

    @admin.display(description=_("contractor"), ordering="contractor__company_name")
    def contractor_name(self, permit):
        return permit.contractor.company_name

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, permit):
        return status_badge(permit.status)  # its label from the enum: ``get_status_display`` rebuilds the choices

    @admin.display(description=_("validity"), ordering="valid_from")
    def validity(self, permit):
        tz = permit.community.tzinfo
        return format_html(
            '<span class="nowrap">{} →</span> <span class="nowrap">{}</span>',
            format_local_date(permit.valid_from, tz),
            format_local_date(permit.valid_till, tz),
        )

    @admin.display(description=_("NOC expiry"), ordering="noc_expiry", empty_value=_("no NOC"))
    def noc_expiry_display(self, permit):
        return format_date(permit.noc_expiry) or None

    def changelist_view(self, request, extra_context=None):
        """The list is the manager's workspace: the whole width for the table (the breadcrumbs lead back)."""
        extra_context = {
            **(extra_context or {}),
            "is_nav_sidebar_enabled": False,
            "time_zones": zones_of(managed_community_ids(request.user)),
        }
        return super().changelist_view(request, extra_context)

    # --- the permit page ---

    @admin.display(description=_("additional units"))
    def additional_units_list(self, permit):
        units = permit.additional_units.select_related("property")
        return format_html_join(", ", "{}", ((unit.external_id,) for unit in units)) or "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        permit = self.get_object(request, unquote(object_id))  # 404 outside the user's communities
        extra_context = {
            **(extra_context or {}),
            "is_nav_sidebar_enabled": False,  # the decision page needs the width
            "decision_buttons": views.buttons_for(permit) if self.can_decide(request) else [],
            "decision_flags": decision_flags(permit),
            "current_noc": current_noc(permit),
            "additional_units": list(permit.additional_units.all()),
            "worker_count": permit.workers.count(),
            "vehicle_count": permit.vehicles.filter(removed_at__isnull=True).count(),
            "history": permit_history_lines(permit),
            **_split_panels(panels_for(request, permit)),
            "id_warnings": [manager_warning(conflict) for conflict in id_number_conflicts(permit)],
            "attention_panel": attention.permit_attention_panel(request, permit) if permit else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- custom URLs: decisions and the export of the filtered list ---

    def get_urls(self):
        export = path("export/", self.admin_site.admin_view(self.export_view), name="permits_permit_export")
        return [
            export,
            *calendar_urls(self),
            *queues.queue_urls(self),
            *views.decision_urls(self),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The changelist's current filters, search and ordering, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            messages.error(request, _("These filters cannot be exported."))
            return redirect(reverse("admin:permits_permit_changelist"))
        return permits_csv_response(changelist.queryset)


@admin.register(GateScan)
class GateScanAdmin(CommunityClockAdminMixin, ReadOnlyAdminMixin, CommunityScopedAdminMixin, admin.ModelAdmin):
    """Scans as the gates reported them: read-only, on the permit's community's clock."""

    community_path = "permit__community"
    list_display = [
        community_time_column("scanned_at", community_path=community_path),
        "permit",
        "kind",
        "direction",
        "gate",
        "employee_name",
    ]
    list_filter = ["kind", "direction", "off_hours", "after_end", "permit__community"]
    list_select_related = ["permit__main_unit", "permit__community"]
    search_fields = ["permit__reference", "gate", "employee_name"]
    show_full_result_count = False

    def get_urls(self):
        return [*on_site.urls(self), *scans.urls(self), *super().get_urls()]
