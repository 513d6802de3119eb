"""The permit panels of the admin index: a handful of aggregate queries for the user's communities."""

from django.utils.translation import gettext_lazy as _

from portal.core.admin_dashboard import admin_url, bar_chart, dashboard_provider
from portal.core.models import AuditEvent
from portal.core.scoping import scope_to_communities

from ..models import NocVersion, Permit
from ..selectors import admin as selectors
from ..selectors.compliance import permits_with_compliance_issues

WEEKLY_LABELS = {"submitted": _("Submitted"), "approved": _("Approved")}  # selectors.WEEKLY_ACTIONS' series


@dashboard_provider(order=100)
def permits_panel(request) -> dict:
    if not request.user.has_perm("permits.view_permit"):
        return {}
    permits = scope_to_communities(Permit.objects.all(), request.user)
    nocs = scope_to_communities(NocVersion.objects.all(), request.user)
    events = scope_to_communities(AuditEvent.objects.all(), request.user)
    weekly = selectors.weekly_submitted_approved(events, weeks=12)
    changelist = admin_url("permits_permit_changelist")
    return {
        "permit_changelist_url": changelist,
        "status_counts": selectors.status_counts(permits),
        "awaiting_review": selectors.awaiting_review(permits),
        "permits_ending_soon": selectors.permits_ending_soon(permits),
        "nocs_expiring_soon": selectors.nocs_expiring_soon(nocs),
        "weekly": weekly,
        "weekly_chart": bar_chart(weekly, list(selectors.WEEKLY_ACTIONS), series_labels=WEEKLY_LABELS),
        "compliance_flags": list(
            permits_with_compliance_issues(request.user)
            .select_related(None)
            .select_related("contractor")
            .only("reference", "status", "compliance_issue", "contractor__company_name")[:20]
        ),
    }
