"""Live permits flagged by the compliance check, for the admin dashboard."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.core.scoping import scope_to_communities

from ..models import Permit
from ..transitions import TRANSITIONS, Move

CHECKED_STATUSES, _ = TRANSITIONS[Move.REVOKE]  # the statuses the compliance check flags


def permits_with_compliance_issues(user) -> QuerySet[Permit]:
    """Approved or active permits of the user's communities whose contractor has a lapsed document."""
    queryset = Permit.objects.filter(status__in=CHECKED_STATUSES).exclude(compliance_issue="")
    return (
        scope_to_communities(queryset, user)
        .select_related("community", "contractor", "property", "main_unit")
        .order_by("contractor__company_name", "valid_till", "pk")
    )
