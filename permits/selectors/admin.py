"""Read-only queries behind the permit admin: the review list, its filters, the timeline, the dashboard.

Every function takes an already scoped queryset (or a permit the user may see) and answers with
a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db.models import Case, Count, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.lookups import LessThan
from django.utils.text import smart_split, unescape_string_literal

from portal.core.local_time import default_zone, local_date_of, local_day_start, local_days_q, local_today, per_zone_q
from portal.core.models import AuditEvent

from ..choices import PermitStatus
from ..models import NocVersion, Permit, Vehicle, Worker
from ..validators import normalize_plate

LIVE_STATUSES = (PermitStatus.APPROVED, PermitStatus.ACTIVE)
WEEKLY_ACTIONS = {"submitted": "permits.permit.submitted", "approved": "permits.permit.approved"}


def current_noc_expiry():
    """The current NOC's expiry of the outer permit, as one correlated subquery."""
    return Subquery(
        NocVersion.objects.filter(permit=OuterRef("pk"), is_current=True).values("expiry_date")[:1],
        output_field=DateField(),
    )


def _waiting_since() -> Case:
    return Case(When(status=PermitStatus.SUBMITTED, then=F("submitted_at")))


def permits_for_review(queryset: QuerySet) -> QuerySet:
    """What the review list shows per row, in the row's own query: no per-row lookups."""
    return queryset.annotate(noc_expiry=current_noc_expiry(), waiting_since=_waiting_since())


def review_examples(queryset: QuerySet, limit: int) -> list[Permit]:
    """The first ``limit`` rows of ``queryset``'s review list, as an example line shows them: reference, unit and
    company (the dashboard's flag examples), nothing else loaded.

    The order is read on the permits alone, then only those rows are joined to their company and unit
    (joining first made PostgreSQL join every match before sorting: a flag's thousand rows for five)."""
    first = queryset.annotate(waiting_since=_waiting_since()).order_by(*review_ordering()).values("pk")[:limit]
    rows = Permit.objects.filter(pk__in=first).annotate(waiting_since=_waiting_since())
    rows = rows.select_related("contractor", "main_unit").only(*EXAMPLE_FIELDS)
    return list(rows.order_by(*review_ordering()))


EXAMPLE_FIELDS = (
    "reference",
    "status",
    "submitted_at",
    "created_at",
    "contractor__company_name",
    "main_unit__external_id",
)


def review_ordering() -> list:
    """Oldest waiting first; then the newest permits."""
    return [F("waiting_since").asc(nulls_last=True), "-created_at", "-id"]


def permit_search_q(search_term: str) -> Q:
    """Every word must match a reference, unit, company, plate or worker; or the whole term is a plate
    in any spelling ("DXB A 12345", "dxb-a-12345": plates are searched in their canonical form).
    Plates and workers through ``Exists`` so a permit with many vehicles is listed once."""
    condition = Q()
    for word in smart_split(search_term):
        if word[0] in "\"'" and word[0] == word[-1]:
            word = unescape_string_literal(word)
        condition &= (
            Q(reference__icontains=word)
            | Q(crm_reference__icontains=word)
            | Q(main_unit__external_id__icontains=word)
            | Q(contractor__company_name__icontains=word)
            | _plate_contains(word)
            | Exists(Worker.objects.filter(permit=OuterRef("pk"), name__icontains=word))
        )
    if normalize_plate(search_term) != search_term.strip():
        condition |= _plate_contains(search_term)
    return condition


def _plate_contains(text: str) -> Q | Exists:
    plate = normalize_plate(text)
    if not plate:
        return Q(pk__in=[])
    return Exists(Vehicle.objects.filter(permit=OuterRef("pk"), plate__contains=plate))


def starts_within_q(days: int, *, now: datetime.datetime | None = None) -> Q:
    """Permits starting on one of ``days`` days from today (1: today), on their community's clock."""
    return local_days_q("valid_from", days=days, now=now)


def ends_within_q(days: int, *, now: datetime.datetime | None = None) -> Q:
    """Permits ending on one of ``days`` days from today (1: today), on their community's clock."""
    return local_days_q("valid_till", days=days, now=now)


def noc_expires_before_end(queryset: QuerySet) -> QuerySet:
    """Permits whose current NOC expires before the permit's last day, on its community's clock."""
    return queryset.filter(LessThan(current_noc_expiry(), local_date_of("valid_till")))


def permit_audit_timeline(permit: Permit, limit: int = 200) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(target_type="permit", target_id=str(permit.pk)).order_by("-at", "-id")[:limit]
    )


# --- dashboard -----------------------------------------------------------------------------


def status_counts(queryset: QuerySet) -> list[dict]:
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("*")))  # *: index-only
    return [{"status": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in PermitStatus]


# What a dashboard line shows of a permit: its link, unit, company and its community's clock. Loading only
# these (not 40-odd columns of four tables a row) halved the permit panels' time.
PERMIT_LINE_FIELDS = ("reference", "main_unit__external_id", "contractor__company_name", "community__time_zone")


def awaiting_review(queryset: QuerySet, limit: int = 10) -> list[Permit]:
    rows = queryset.filter(status=PermitStatus.SUBMITTED).select_related("contractor", "main_unit", "community")
    rows = rows.only(*PERMIT_LINE_FIELDS, "submitted_at")
    return list(rows.order_by(F("submitted_at").asc(nulls_last=True), "id")[:limit])


def permits_ending_soon(queryset: QuerySet, days: int = 7, limit: int = 20) -> list[Permit]:
    rows = queryset.filter(ends_within_q(days), status__in=LIVE_STATUSES)
    rows = rows.select_related("community", "contractor", "main_unit").only(*PERMIT_LINE_FIELDS, "valid_till")
    return list(rows.order_by("valid_till")[:limit])


def nocs_expiring_soon(nocs: QuerySet, days: int = 7, limit: int = 20) -> list[NocVersion]:
    """Of ``nocs`` (scoped), the current ones of live or waiting permits that lapse within ``days`` days of
    their community's today: read by community and day, then only those rows' permits."""

    def lapsing(today: datetime.date, tz) -> Q:
        return Q(expiry_date__gte=today, expiry_date__lte=today + datetime.timedelta(days=days))

    rows = nocs.filter(
        per_zone_q(lapsing),
        is_current=True,
        permit__status__in=(*LIVE_STATUSES, PermitStatus.SUBMITTED),
    )
    rows = rows.select_related("permit__contractor").only(
        "permit_id", "noc_number", "expiry_date", "permit__reference", "permit__contractor__company_name"
    )
    return list(rows.order_by("expiry_date")[:limit])


def weekly_submitted_approved(events: QuerySet, weeks: int = 12) -> list[dict]:
    """Permits submitted and approved per week (from the audit trail), oldest week first, zeros included.

    Each event counts on the day it happened on its community's clock; the weeks are the default zone's.
    """
    first = _week_start(local_today(default_zone())) - datetime.timedelta(weeks=weeks - 1)
    since = local_day_start(first, default_zone()) - datetime.timedelta(days=1)  # zones ahead start earlier
    rows = (
        events.filter(target_type="permit", action__in=WEEKLY_ACTIONS.values(), at__gte=since)
        .annotate(day=local_date_of("at"))
        .order_by()
        .values("day")
        .annotate(**{name: Count("id", filter=Q(action=action)) for name, action in WEEKLY_ACTIONS.items()})
    )
    by_week: defaultdict[datetime.date, Counter] = defaultdict(Counter)
    for row in rows:
        if row["day"] >= first:
            by_week[_week_start(row["day"])].update({name: row[name] for name in WEEKLY_ACTIONS})
    result = []
    for index in range(weeks):
        week = first + datetime.timedelta(weeks=index)
        counts = by_week[week]
        result.append(
            {"week": week, "label": f"{week.day}/{week.month}", **{name: counts[name] for name in WEEKLY_ACTIONS}}
        )
    return result


def _week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def revocation_effects(*, contractor_id: int, community_id: int) -> dict[str, int]:
    """What revoking a company in a community ends: its live permits there, their passes and parking (two queries)."""
    return revocation_effects_many([(contractor_id, community_id)])[(contractor_id, community_id)]


def revocation_effects_many(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], dict[str, int]]:
    """The same for several (company, community) pairs at once, still two queries."""
    from ..services._common import LIVE_PARKING_STATES

    effects = {pair: {"permits": 0, "passes": 0, "parking": 0} for pair in pairs}
    companies, communities = {c for c, _ in pairs}, {m for _, m in pairs}
    live = Permit.objects.filter(contractor_id__in=companies, community_id__in=communities, status__in=LIVE_STATUSES)
    rows = live.values("contractor_id", "community_id").annotate(
        permits=Count("pk"), passes=Count("pk", filter=Q(status=PermitStatus.ACTIVE))
    )
    for row in rows:
        pair = (row["contractor_id"], row["community_id"])
        if pair in effects:
            effects[pair].update(permits=row["permits"], passes=row["passes"])
    parking = (
        Vehicle.objects.filter(permit__in=live, removed_at__isnull=True, parking_state__in=LIVE_PARKING_STATES)
        .values("permit__contractor_id", "permit__community_id")
        .annotate(count=Count("pk"))
    )
    for row in parking:
        pair = (row["permit__contractor_id"], row["permit__community_id"])
        if pair in effects:
            effects[pair]["parking"] = row["count"]
    return effects
