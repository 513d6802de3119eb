"""Decision deadlines in the admin: the list's "decide by" column and filter, the permit page's panel,
and the read-only list of every wait (with the service-level report, ``service_levels``)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.core.admin_local_time import CommunityClockAdminMixin, community_time_column
from portal.core.admin_scoping import CommunityScopedAdminMixin, ReadOnlyAdminMixin
from portal.core.formats import format_datetime

from ..models import PermitDecision
from ..selectors.deadlines import due_state, due_today_q, overdue_q


class DueFilter(admin.SimpleListFilter):
    title = _("decision due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("today", _("Due today")), ("waiting", _("Any waiting decision"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(overdue_q())
        if self.value() == "today":
            return queryset.filter(due_today_q())
        if self.value() == "waiting":
            return queryset.filter(decision_due_at__isnull=False)
        return queryset


@admin.display(description=_("decide by"), ordering="decision_due_at", empty_value="—")
def decide_by(permit):
    """The deadline on the permit's community's clock and the time left; red once overdue (no query)."""
    state = due_state(permit.decision_due_at)
    if state is None:
        return None
    return format_html(
        '<span class="deadline{}"><span class="deadline-at">{}</span><br><small>{}</small></span>',
        " deadline--overdue" if state.overdue else "",
        format_datetime(state.due_at, permit.community.tzinfo),
        state.left,
    )


@admin.register(PermitDecision)
class PermitDecisionAdmin(CommunityClockAdminMixin, ReadOnlyAdminMixin, CommunityScopedAdminMixin, admin.ModelAdmin):
    """Every wait for a decision, open and closed: the facts behind the service-level report."""

    list_display = [
        "permit",
        "stage",
        community_time_column("started_at", description=_("waiting since")),
        community_time_column("due_at", description=_("decide by")),
        community_time_column("decided_at", description=_("decided at")),
        "outcome",
        "within_deadline",
    ]
    list_filter = ["stage", "outcome", "community"]
    list_select_related = ["permit", "community"]
    search_fields = ["permit__reference"]
    show_full_result_count = False
    change_list_template = "admin/permits/permitdecision/change_list.html"
    exclude = ["reminded_at", "escalated_at"]

    @admin.display(description=_("within the deadline"), boolean=True)
    def within_deadline(self, wait):
        if wait.decided_at is None or wait.working_seconds is None:
            return None
        return wait.decided_at <= wait.due_at

    def get_urls(self):
        from .service_levels import report_urls

        return [*report_urls(self), *super().get_urls()]
