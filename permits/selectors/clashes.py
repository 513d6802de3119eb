"""The clash rules' inputs read from the database: a community's settings and the bookings of a building.

Each read is a fixed number of queries whatever the number of permits (the "has clashes" filter of
the review list runs it over every live permit of the user's communities).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone

from portal.core.models import Community, Unit

from ..choices import PermitStatus, PermitType
from ..clashes import Booking, Clash, ClashRules, find_clashes
from ..models import ClashSettings, Permit, PermitUnit
from ..rules import Stage

LIVE_STATUSES = (PermitStatus.SUBMITTED, PermitStatus.APPROVED, PermitStatus.ACTIVE)
# Which other permits a move is judged against: at submit every live one; at approve and at a change of
# dates, those that will happen.
WILL_HAPPEN = (PermitStatus.APPROVED, PermitStatus.ACTIVE)
OTHERS_AT = {Stage.SUBMIT: LIVE_STATUSES, Stage.APPROVE: WILL_HAPPEN, Stage.EXTEND: WILL_HAPPEN}
DAY_SLACK = datetime.timedelta(days=1)  # the capacity counts shared local days, not only overlapping hours
BOOKING_FIELDS = (
    "id",
    "reference",
    "permit_type",
    "status",
    "property_id",
    "main_unit_id",
    "valid_from",
    "valid_till",
    "contractor_id",
)


def clash_rules_for(community_ids: Iterable[int]) -> dict[int, ClashRules]:
    """Each community's rules; a community without settings has none (3 queries)."""
    found = ClashSettings.objects.filter(community_id__in=list(community_ids)).prefetch_related(
        "exclusive_pairs", "capacities"
    )
    return {
        settings.community_id: ClashRules(
            exclusive_pairs={(pair.first_type, pair.second_type) for pair in settings.exclusive_pairs.all()},
            capacities={(cap.property_id, cap.permit_type): cap.max_per_day for cap in settings.capacities.all()},
            warn_adjacent=settings.warn_adjacent_units,
            digits_per_floor=settings.unit_digits_per_floor,
            type_labels=dict(PermitType.choices),
        )
        for settings in found
    }


def _has_rules(rules: ClashRules | None) -> bool:
    return rules is not None and bool(rules.exclusive_pairs or rules.capacities or rules.warn_adjacent)


def bookings(permits) -> list[tuple[Booking, int]]:
    """(booking, community id) of each permit of the queryset (2 queries)."""
    rows = list(permits.values(*BOOKING_FIELDS, "community_id"))
    extra: dict[int, set[int]] = defaultdict(set)
    for permit_id, unit_id in PermitUnit.objects.filter(permit_id__in=[row["id"] for row in rows]).values_list(
        "permit_id", "unit_id"
    ):
        extra[permit_id].add(unit_id)
    return [(_booking(row, extra[row["id"]]), row["community_id"]) for row in rows]


def _booking(row: dict, additional: set[int]) -> Booking:
    return Booking(
        permit_id=row["id"],
        reference=row["reference"],
        permit_type=row["permit_type"],
        status=row["status"],
        property_id=row["property_id"],
        unit_ids=frozenset({row["main_unit_id"], *additional}),
        valid_from=row["valid_from"],
        valid_till=row["valid_till"],
        contractor_id=row["contractor_id"],
    )


def _unit_labels(booked: Iterable[Booking]) -> dict[int, str]:
    ids = {unit_id for booking in booked for unit_id in booking.unit_ids}
    return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "external_id"))


def permit_clashes(permit: Permit, *, stage: Stage | None = None) -> list[Clash]:
    """The permit's clashes with the other permits of its building, as judged at ``stage`` (None: every live one)."""
    if permit.valid_from is None or permit.valid_till is None or permit.property_id is None:
        return []
    rules = clash_rules_for([permit.community_id]).get(permit.community_id)
    if not _has_rules(rules):
        return []
    others = Permit.objects.filter(
        property_id=permit.property_id,
        status__in=OTHERS_AT.get(stage, LIVE_STATUSES),
        valid_from__lt=permit.valid_till + DAY_SLACK,
        valid_till__gt=permit.valid_from - DAY_SLACK,
    ).exclude(pk=permit.pk)
    candidate = booking_of(permit)
    other_bookings = [booking for booking, _ in bookings(others)]
    rules.unit_labels = _unit_labels([candidate, *other_bookings])
    return find_clashes(candidate, other_bookings, rules, permit.community.tzinfo)


def booking_of(permit: Permit) -> Booking:
    """The permit as it stands in memory (its dates may be the ones being checked)."""
    additional = set(permit.additional_units.values_list("pk", flat=True)) if permit.pk else set()
    return Booking(
        permit_id=permit.pk,
        reference=permit.reference,
        permit_type=permit.permit_type,
        status=permit.status,
        property_id=permit.property_id,
        unit_ids=frozenset({permit.main_unit_id, *additional}),
        valid_from=permit.valid_from,
        valid_till=permit.valid_till,
        contractor_id=permit.contractor_id,
    )


def clashing_permit_ids(community_ids: set[int] | None) -> set[int]:
    """The live, not yet ended permits with any clash, in these communities (None: all) — a fixed few queries."""
    live = Permit.objects.filter(status__in=LIVE_STATUSES, valid_till__gt=timezone.now())
    if community_ids is not None:
        live = live.filter(community_id__in=community_ids)
    booked = bookings(live)
    all_rules = clash_rules_for({community_id for _, community_id in booked})
    zones = dict(Community.objects.filter(pk__in=all_rules).values_list("pk", "time_zone"))
    by_property: dict[int, list[Booking]] = defaultdict(list)
    for booking, _community_id in booked:
        by_property[booking.property_id].append(booking)
    labels = _unit_labels([booking for booking, _ in booked])
    for rules in all_rules.values():
        rules.unit_labels = labels
    found = set()
    for booking, community_id in booked:
        rules = all_rules.get(community_id)
        if _has_rules(rules):
            tz = zoneinfo.ZoneInfo(zones[community_id])
            if find_clashes(booking, by_property[booking.property_id], rules, tz):
                found.add(booking.permit_id)
    return found
