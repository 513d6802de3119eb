"""Reads of decision deadlines shared by the admin, the contractor pages and the dashboard."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from portal.core.local_time import local_days_q

from ..models import Permit, PermitDecision


@dataclass(frozen=True)
class DueState:
    due_at: datetime.datetime
    overdue: bool
    left: str  # "3 hours, 20 minutes" left, or overdue by


def due_state(due_at: datetime.datetime | None, now: datetime.datetime | None = None) -> DueState | None:
    if due_at is None:
        return None
    now = now or timezone.now()
    if due_at <= now:
        return DueState(due_at, True, _("%(time)s overdue") % {"time": timesince(due_at, now, depth=1)})
    return DueState(due_at, False, _("%(time)s left") % {"time": timeuntil(due_at, now, depth=2)})


def overdue_q(now: datetime.datetime | None = None) -> Q:
    return Q(decision_due_at__lte=now or timezone.now())


def due_today_q(now: datetime.datetime | None = None) -> Q:
    """Due on today's date of each permit's community, passed or not."""
    return local_days_q("decision_due_at", days=1, now=now)


def open_waits(permit: Permit) -> list[PermitDecision]:
    return list(PermitDecision.objects.filter(permit=permit, decided_at__isnull=True).order_by("-started_at"))


def past_waits(permit: Permit, limit: int = 10) -> list[PermitDecision]:
    rows = PermitDecision.objects.filter(permit=permit, decided_at__isnull=False).order_by("-started_at")
    return list(rows[:limit])


def due_queue(permits: QuerySet, limit: int = 10) -> list[Permit]:
    """Waiting permits, nearest deadline first (overdue at the top)."""
    rows = permits.filter(decision_due_at__isnull=False).select_related("community", "contractor", "main_unit")
    return list(rows.order_by("decision_due_at", "pk")[:limit])
