"""Clash rules as pure functions: a permit against the other permits of its building.

- **exclusive**: the same unit cannot hold two overlapping permits of types that exclude each other;
- **capacity**: at most N permits of a type active on one day of the community's clock in a building;
- **adjacent**: work on a neighbouring unit (same floor next number, or same number a floor up or down)
  in the same period is only a warning.

Overlap is strict: a permit ending at the very moment another starts does not overlap it. The
selector ``permits.selectors.clashes`` reads the bookings; ``permits.rules`` decides, per stage,
which clash refuses and which only warns.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DAY_FORMAT = "%d-%m-%Y"
LAST_NUMBER = re.compile(r"(\d+)(?!.*\d)")


class ClashKind(StrEnum):
    EXCLUSIVE = "exclusive"
    CAPACITY = "capacity"
    ADJACENT = "adjacent"


@dataclass(frozen=True)
class Booking:
    """A permit as the clash rules see it."""

    permit_id: int | None
    reference: str
    permit_type: str
    status: str
    property_id: int
    unit_ids: frozenset[int]
    valid_from: datetime.datetime
    valid_till: datetime.datetime
    contractor_id: int | None = None


@dataclass
class ClashRules:
    """One community's settings, ready to judge (empty: no clash rule at all)."""

    exclusive_pairs: set[tuple[str, str]] = field(default_factory=set)
    capacities: dict[tuple[int, str], int] = field(default_factory=dict)  # (property id, type) -> per day
    warn_adjacent: bool = False
    digits_per_floor: int = 2
    unit_labels: dict[int, str] = field(default_factory=dict)  # unit id -> its id on the wire
    type_labels: dict[str, str] = field(default_factory=dict)

    def excludes(self, one: str, other: str) -> bool:
        return (one, other) in self.exclusive_pairs or (other, one) in self.exclusive_pairs

    def type_label(self, permit_type: str) -> str:
        return self.type_labels.get(permit_type, permit_type)


@dataclass(frozen=True)
class Clash:
    kind: ClashKind
    message: str
    others: tuple[str, ...]  # the clashing permits' references
    days: tuple[datetime.date, ...] = ()


def overlaps(one: Booking, other: Booking) -> bool:
    return one.valid_from < other.valid_till and other.valid_from < one.valid_till


def local_days(booking: Booking, tz: datetime.tzinfo) -> list[datetime.date]:
    """The days of the community's clock the permit is active on (an end at midnight is not the next day)."""
    first = booking.valid_from.astimezone(tz).date()
    last = (booking.valid_till - datetime.timedelta(microseconds=1)).astimezone(tz).date()
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def unit_position(label: str, digits_per_floor: int) -> tuple[int, int] | None:
    """(floor, number on the floor) read from the last number of the unit's id, e.g. UNIT-0712 -> (7, 12)."""
    match = LAST_NUMBER.search(label or "")
    if match is None or len(match.group(1)) <= digits_per_floor:
        return None
    digits = match.group(1)
    return int(digits[:-digits_per_floor]), int(digits[-digits_per_floor:])


def are_adjacent(one: tuple[int, int] | None, other: tuple[int, int] | None) -> bool:
    if one is None or other is None:
        return False
    (floor, number), (other_floor, other_number) = one, other
    same_floor_next_door = floor == other_floor and abs(number - other_number) == 1
    above_or_below = number == other_number and abs(floor - other_floor) == 1
    return same_floor_next_door or above_or_below


def _named(other: Booking, candidate: Booking) -> str:
    """Another company's permit is not named: the sentence reaches the candidate's company too."""
    if other.contractor_id is not None and other.contractor_id == candidate.contractor_id:
        return _("your permit %(reference)s") % {"reference": other.reference}
    return _("another company's permit")


def _period(booking: Booking, tz) -> str:
    days = local_days(booking, tz)
    return f"{days[0]:{DAY_FORMAT}} – {days[-1]:{DAY_FORMAT}}"


def exclusive_clashes(candidate: Booking, others: Iterable[Booking], rules: ClashRules, tz) -> list[Clash]:
    clashes = []
    for other in others:
        shared = candidate.unit_ids & other.unit_ids
        if not shared or not overlaps(candidate, other) or not rules.excludes(candidate.permit_type, other.permit_type):
            continue
        units = ", ".join(sorted(rules.unit_labels.get(unit_id, str(unit_id)) for unit_id in shared))
        message = _(
            "Unit %(units)s already has %(type)s work under %(permit)s (%(period)s): "
            "%(mine)s work cannot overlap it in the same unit."
        ) % {
            "units": units,
            "type": rules.type_label(other.permit_type),
            "permit": _named(other, candidate),
            "period": _period(other, tz),
            "mine": rules.type_label(candidate.permit_type),
        }
        clashes.append(Clash(ClashKind.EXCLUSIVE, message, (other.reference,)))
    return clashes


def capacity_clash(candidate: Booking, others: Iterable[Booking], rules: ClashRules, tz) -> Clash | None:
    """The days on which this permit would be one too many of its type in its building."""
    limit = rules.capacities.get((candidate.property_id, candidate.permit_type))
    if limit is None:
        return None
    mine = set(local_days(candidate, tz))
    # Sharing a day is enough (a permit ending at 00:30 and one starting at 01:00 share that day's lift).
    same_kind = [
        other
        for other in others
        if other.property_id == candidate.property_id and other.permit_type == candidate.permit_type
    ]
    per_day: Counter[datetime.date] = Counter()
    days_of = [(other, set(local_days(other, tz)) & mine) for other in same_kind]
    for _other, days in days_of:
        per_day.update(days)
    full = sorted(day for day, count in per_day.items() if count + 1 > limit)
    if not full:
        return None
    holders = sorted((other for other, days in days_of if days & set(full)), key=lambda other: other.reference)
    message = _(
        "At most %(limit)s %(type)s permits a day in this building: %(days)s already have %(limit)s (%(permits)s)."
    ) % {
        "limit": limit,
        "type": rules.type_label(candidate.permit_type),
        "days": _day_list(full),
        "permits": ", ".join(sorted({_named(other, candidate) for other in holders})),
    }
    return Clash(ClashKind.CAPACITY, message, tuple(other.reference for other in holders), tuple(full))


def adjacent_clashes(candidate: Booking, others: Iterable[Booking], rules: ClashRules, tz) -> list[Clash]:
    if not rules.warn_adjacent:
        return []
    positions = {unit_id: unit_position(label, rules.digits_per_floor) for unit_id, label in rules.unit_labels.items()}
    clashes = []
    for other in others:
        if other.property_id != candidate.property_id or not overlaps(candidate, other):
            continue
        pairs = [
            (mine, theirs)
            for mine in sorted(candidate.unit_ids)
            for theirs in sorted(other.unit_ids - candidate.unit_ids)
            if are_adjacent(positions.get(mine), positions.get(theirs))
        ]
        if not pairs:
            continue
        mine, theirs = pairs[0]
        message = _("Unit %(theirs)s, next to %(mine)s, has work under %(permit)s (%(period)s).") % {
            "theirs": rules.unit_labels.get(theirs, ""),
            "mine": rules.unit_labels.get(mine, ""),
            "permit": _named(other, candidate),
            "period": _period(other, tz),
        }
        clashes.append(Clash(ClashKind.ADJACENT, message, (other.reference,)))
    return clashes


def find_clashes(candidate: Booking, others: Iterable[Booking], rules: ClashRules, tz) -> list[Clash]:
    """Every clash of ``candidate`` with ``others`` (itself excluded), refusals and warnings alike."""
    others = [other for other in others if other.permit_id is None or other.permit_id != candidate.permit_id]
    found = exclusive_clashes(candidate, others, rules, tz)
    capacity = capacity_clash(candidate, others, rules, tz)
    if capacity is not None:
        found.append(capacity)
    return found + adjacent_clashes(candidate, others, rules, tz)


def validate_no_exclusive_clash(clashes: Iterable[Clash]) -> None:
    refusals = [
        ValidationError(clash.message, code="exclusive_clash") for clash in clashes if clash.kind == ClashKind.EXCLUSIVE
    ]
    if refusals:
        raise ValidationError(refusals)


def validate_capacity(clashes: Iterable[Clash], *, override_reason: str = "") -> None:
    """Over capacity refuses, unless a manager overrides it with a reason."""
    over = [clash for clash in clashes if clash.kind == ClashKind.CAPACITY]
    if over and not (override_reason or "").strip():
        raise ValidationError(
            [
                ValidationError(
                    clash.message + " " + _("Give a reason to approve over capacity."), code="over_capacity"
                )
                for clash in over
            ]
        )


def _day_list(days: list[datetime.date]) -> str:
    shown = ", ".join(f"{day:{DAY_FORMAT}}" for day in days[:5])
    return shown + (_(" and %(count)s more days") % {"count": len(days) - 5} if len(days) > 5 else "")
