"""The manager's work queues: what waits for a person in their communities, each a count and rows to act on.

Counts for every queue come from one statement of indexed counts, so the admin navigation can show them on
every page at a fixed, small cost; each queue's rows are one more query when the dashboard lists them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Func, IntegerField, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contractors.choices import MembershipStatus
from contractors.models import ContractorMembership
from portal.core.scoping import scope_to_communities

from ..choices import PermitStatus
from ..models import Permit

NO_PASS_AFTER = datetime.timedelta(minutes=10)
ROWS = 10

DECISION, EXTENSION, COMPANIES, NO_PASS, ATTENTION = "decision", "extension", "companies", "no_pass", "attention"


@dataclass(frozen=True)
class Queue:
    slug: str
    title: str
    action: str  # what the manager does with each row
    count: int


def permit_queue_q(slug: str, *, now: datetime.datetime | None = None) -> Q:
    """The permits of one queue (also the changelist filter)."""
    now = now or timezone.now()
    return {
        DECISION: Q(status=PermitStatus.SUBMITTED),
        EXTENSION: Q(extension_requested_till__isnull=False, status__in=(PermitStatus.APPROVED, PermitStatus.ACTIVE)),
        NO_PASS: Q(status=PermitStatus.APPROVED, status_changed_at__lte=now - NO_PASS_AFTER),
        ATTENTION: Q(attention_since__isnull=False),
    }[slug]


def membership_queue_q(slug: str) -> Q:
    return {COMPANIES: Q(status=MembershipStatus.PENDING), ATTENTION: Q(attention_since__isnull=False)}[slug]


def queue_counts(user) -> dict[str, int]:
    """Every queue's count for the user's communities, in one statement whatever the size.

    Each count is its own scalar subquery, answered from an index that holds only its rows (partial indexes
    of the permit, the status indexes): one aggregate with a ``FILTER`` per queue read every permit of the
    user's communities, 200 ms for an operator at a million permits, on every admin page. The subqueries ride
    on the user's own row, the one row sure to exist."""
    now = timezone.now()
    permits = scope_to_communities(Permit.objects.all(), user)
    memberships = scope_to_communities(ContractorMembership.objects.all(), user)
    counts = {slug: _count(permits.filter(permit_queue_q(slug, now=now))) for slug in (DECISION, EXTENSION, NO_PASS)}
    counts["permit_attention"] = _count(permits.filter(permit_queue_q(ATTENTION)))
    counts[COMPANIES] = _count(memberships.filter(membership_queue_q(COMPANIES)))
    counts["membership_attention"] = _count(memberships.filter(membership_queue_q(ATTENTION)))
    row = get_user_model().objects.filter(pk=user.pk).values(**counts).get()
    return {
        DECISION: row[DECISION],
        EXTENSION: row[EXTENSION],
        COMPANIES: row[COMPANIES],
        NO_PASS: row[NO_PASS],
        ATTENTION: row["permit_attention"] + row["membership_attention"],
    }


def _count(rows: QuerySet) -> Coalesce:
    """``(SELECT COUNT(*) FROM … WHERE …)``: an aggregate without GROUP BY, always one row; ``*`` so that an
    index holding the condition's columns answers alone (an index-only scan)."""
    count = Subquery(rows.order_by().values(n=Func(template="COUNT(*)", output_field=IntegerField())))
    return Coalesce(count, 0)  # an empty scope (a manager of no community) compiles to no subquery at all


TITLES = {
    DECISION: (_("Permits awaiting decision"), _("Review")),
    EXTENSION: (_("Extension requests"), _("Approve or decline")),
    COMPANIES: (_("Companies awaiting approval"), _("Review the company")),
    NO_PASS: (_("Approved, no pass after 10 minutes"), _("Check the gate push")),
    ATTENTION: (_("Pushes needing attention"), _("Correct and send again")),
}


def queues(user) -> list[Queue]:
    counts = queue_counts(user)
    return [Queue(slug, *TITLES[slug], counts[slug]) for slug in TITLES]


def queue_permits(user, slug: str) -> QuerySet:
    rows = scope_to_communities(Permit.objects.filter(permit_queue_q(slug)), user)
    order = {DECISION: "submitted_at", EXTENSION: "updated_at", NO_PASS: "status_changed_at"}.get(
        slug, "attention_since"
    )
    return rows.select_related("community", "contractor", "main_unit").order_by(order, "pk")[:ROWS]


def queue_memberships(user, slug: str) -> QuerySet:
    rows = scope_to_communities(ContractorMembership.objects.filter(membership_queue_q(slug)), user)
    return rows.select_related("community", "contractor").order_by("created_at", "pk")[:ROWS]
