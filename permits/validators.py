"""Permit rules as pure functions: the only place each rule is written.

Forms, the admin, the API and the services call these (through ``permits.rules``), so a
contractor sees the same sentence whichever door they came through.
"""

import datetime
import re
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError

PLATE_PATTERN = re.compile(r"^[A-Z0-9-]{1,25}$")


def local_date(moment: datetime.datetime, tz: datetime.tzinfo) -> datetime.date:
    return moment.astimezone(tz).date()


def validate_validity_window(valid_from: datetime.datetime, valid_till: datetime.datetime) -> None:
    if valid_till <= valid_from:
        raise ValidationError("The permit must end after it starts.", code="window_order")


def validate_ends_in_future(valid_till: datetime.datetime, *, now: datetime.datetime) -> None:
    if valid_till <= now:
        raise ValidationError("The permit's end date must be in the future.", code="ends_in_past")


def validate_daily_times(time_in: datetime.time | None, time_out: datetime.time | None) -> None:
    if time_in and time_out and time_out <= time_in:
        raise ValidationError("The daily end time must be after the daily start time.", code="daily_times_order")


def validate_working_hours(
    time_in: datetime.time | None,
    time_out: datetime.time | None,
    *,
    day_start: datetime.time,
    day_end: datetime.time,
    community_name: str,
) -> None:
    if (time_in and time_in < day_start) or (time_out and time_out > day_end):
        raise ValidationError(
            f"Work in {community_name} is allowed between {day_start:%H:%M} and {day_end:%H:%M}.",
            code="outside_working_hours",
        )


def validate_no_blackout(
    valid_from: datetime.datetime,
    valid_till: datetime.datetime,
    *,
    tz: datetime.tzinfo,
    blackout_dates: Mapping[datetime.date, str],
    community_name: str,
) -> None:
    first, last = local_date(valid_from, tz), local_date(valid_till, tz)
    hits = sorted(day for day in blackout_dates if first <= day <= last)
    if hits:
        day = hits[0]
        why = f" ({blackout_dates[day]})" if blackout_dates[day] else ""
        raise ValidationError(
            f"No work is allowed in {community_name} on {day:%Y-%m-%d}{why}; choose dates that avoid it.",
            code="blackout_date",
        )


def validate_noc_dates(issue_date: datetime.date, expiry_date: datetime.date) -> None:
    if expiry_date < issue_date:
        raise ValidationError("The NOC's expiry date is before its issue date.", code="noc_dates_order")


def validate_noc_covers_permit(
    noc_expiry: datetime.date, valid_till: datetime.datetime, *, tz: datetime.tzinfo
) -> None:
    ends = local_date(valid_till, tz)
    if noc_expiry < ends:
        raise ValidationError(
            f"The NOC expires on {noc_expiry:%Y-%m-%d}, before the permit ends on {ends:%Y-%m-%d}.",
            code="noc_expires_before_permit",
        )


def validate_units_in_property(units: Iterable, property_id: int, property_label: str) -> None:
    outside = [unit.external_id for unit in units if unit.property_id != property_id]
    if outside:
        raise ValidationError(f"Unit {', '.join(outside)} is not in {property_label}.", code="unit_outside_property")


def normalize_plate(plate: str) -> str:
    return "".join(str(plate).split()).upper()


def validate_plate(plate: str) -> None:
    """Expects a normalised plate: letters, digits and dashes, at most 25 characters."""
    if not PLATE_PATTERN.fullmatch(plate):
        raise ValidationError(
            f"“{plate}” is not a valid plate: use letters, digits and dashes, at most 25 characters.",
            code="invalid_plate",
        )
