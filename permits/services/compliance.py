"""Compliance: a contractor whose trade licence or insurance has lapsed has its live permits flagged.

The flag (``Permit.compliance_issue``) is a sentence for people ("Trade licence expired on
2026-08-30."), set and cleared with an audit event each. A community with
``suspend_on_compliance_lapse`` also has those permits revoked through ``permit_revoke``, with a
reason the contractor can read; a revoked permit stays revoked when the document is renewed.

A document that "expired on 2026-08-30" has lapsed from the 31st on the permit's community's
clock (``portal.core.local_time``): at one moment a permit in Dubai may be flagged while the same
company's permit in a community still on the 30th is not.

The daily job (``compliance_check``) looks only at live permits whose contractor has lapsed (on
their community's clock) or which carry a flag, and settles each one in its own short
transaction under the permit's lock, so two runs at once settle every permit once.
``contractor_compliance_refresh`` settles one company at once, e.g. right after a renewed
document is uploaded.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from contractors.models import Contractor
from portal.core.actors import Actor
from portal.core.events import domain_service
from portal.core.formats import format_date
from portal.core.local_time import community_today, per_zone_q

from ..models import Permit
from ..transitions import TRANSITIONS, Move
from ._common import audit_permit, lock_permit
from .lifecycle import permit_revoke

COMPLIANCE_ACTOR = Actor.system("compliance check")
CHECKED_STATUSES, _ = TRANSITIONS[Move.REVOKE]  # live permits: the ones a lapse can suspend

FLAGGED = "flagged"
CLEARED = "cleared"
SUSPENDED = "suspended"


@dataclass
class ComplianceResult:
    flagged: int = 0
    cleared: int = 0
    suspended: int = 0
    checked: int = 0

    def count(self, outcomes: list[str]) -> None:
        self.checked += 1
        for outcome in outcomes:
            setattr(self, outcome, getattr(self, outcome) + 1)


def lapsed_documents(
    *, licence_expiry: datetime.date | None, insurance_expiry: datetime.date | None, today: datetime.date
) -> list[tuple[str, datetime.date]]:
    """The documents that expired before ``today``, as (label, expiry)."""
    documents = (("trade licence", licence_expiry), ("insurance", insurance_expiry))
    return [(label, expiry) for label, expiry in documents if expiry is not None and expiry < today]


def compliance_issue_text(lapsed: list[tuple[str, datetime.date]]) -> str:
    return " ".join(f"{label.capitalize()} expired on {format_date(expiry)}." for label, expiry in lapsed)


def suspension_reason(lapsed: list[tuple[str, datetime.date]]) -> str:
    """``Suspended: the company's trade licence expired on 2026-08-30.``"""
    lapses = " and its ".join(f"{label} expired on {format_date(day)}" for label, day in lapsed)
    return f"Suspended: the company's {lapses}."


def compliance_check(
    *, now: datetime.datetime | None = None, progress: Callable[[int, int], None] | None = None
) -> ComplianceResult:
    """Flag, clear or suspend every live permit whose compliance changed (each on its community's today)."""
    now = now or timezone.now()
    permit_ids = list(_candidates(now).values_list("pk", flat=True))
    result = ComplianceResult()
    for done, permit_id in enumerate(permit_ids, start=1):
        result.count(permit_compliance_refresh(permit=permit_id, now=now))
        if progress is not None:
            progress(done, len(permit_ids))
    return result


def contractor_compliance_refresh(
    *, contractor: Contractor, now: datetime.datetime | None = None, actor: Actor = COMPLIANCE_ACTOR
) -> ComplianceResult:
    """Settle one company's live permits now (after a renewed licence or insurance, say)."""
    now = now or timezone.now()
    result = ComplianceResult()
    live = Permit.objects.filter(contractor=contractor, status__in=CHECKED_STATUSES).values_list("pk", flat=True)
    for permit_id in list(live):
        result.count(permit_compliance_refresh(permit=permit_id, now=now, actor=actor))
    return result


def _candidates(now: datetime.datetime):
    lapsed = per_zone_q(_lapsed_before, now=now)
    return Permit.objects.filter(status__in=CHECKED_STATUSES).filter(lapsed | ~Q(compliance_issue="")).order_by("pk")


def _lapsed_before(today: datetime.date, tz) -> Q:
    return Q(contractor__trade_licence_expiry__lt=today) | Q(contractor__insurance_expiry__lt=today)


@domain_service
def permit_compliance_refresh(
    *, permit: Permit | int, now: datetime.datetime | None = None, actor: Actor = COMPLIANCE_ACTOR
) -> list[str]:
    """Bring one permit's flag in line with its contractor's documents; suspend it when the community says so.

    Returns what happened: ``[]``, ``["flagged"]``, ``["cleared"]``, ``["flagged", "suspended"]``...
    """
    permit = lock_permit(permit)
    if permit.status not in CHECKED_STATUSES:
        return []
    contractor = permit.contractor
    lapsed = lapsed_documents(
        licence_expiry=contractor.trade_licence_expiry,
        insurance_expiry=contractor.insurance_expiry,
        today=community_today(permit.community, now),
    )
    outcomes = _set_issue(permit, compliance_issue_text(lapsed), actor=actor)
    if lapsed and permit.community.suspend_on_compliance_lapse:
        permit_revoke(actor=actor, permit=permit, reason=suspension_reason(lapsed))
        outcomes.append(SUSPENDED)
    return outcomes


def _set_issue(permit: Permit, issue: str, *, actor: Actor) -> list[str]:
    previous = permit.compliance_issue
    if issue == previous:
        return []
    permit.compliance_issue = issue
    permit.save(update_fields=["compliance_issue", "updated_at"])
    if issue:
        audit_permit(permit, "permits.permit.compliance_flagged", actor=actor, reason=issue)
        return [FLAGGED]
    audit_permit(permit, "permits.permit.compliance_cleared", actor=actor, data={"previous_issue": previous})
    return [CLEARED]
