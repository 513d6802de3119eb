"""Permit rules as pure functions: the only place each rule is written.

Forms, the admin, the API and the services call these (through ``permits.rules``), so a
contractor sees the same sentence whichever door they came through.
"""

import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.contact import normalize_contact, normalize_optional_phone
from portal.core.formats import format_date

# Canonical plate: upper-case letters and digits only, at least one digit, at most 25 characters
# (the parking operator's limit). "DXB A 12345", "DXB-A-12345" and "dxba12345" are all "DXBA12345": the
# characters a parking camera reads, so one vehicle never has two spellings.
PLATE_PATTERN = re.compile(r"^(?=.*[0-9])[A-Z0-9]{1,25}$")
PLATE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—.·_/]+")
PLATE_HINT = gettext_lazy("Letters and digits as on the plate, e.g. DXB A 12345; spaces and dashes are dropped.")

# Emirates ID: 784-YYYY-NNNNNNN-C, C the Luhn check digit of the 15 digits. Stored with its dashes.
EMIRATES_ID_PREFIX = "784-"
EMIRATES_ID_DIGITS = re.compile(r"^784[0-9]{12}$")
ID_SEPARATORS = re.compile(r"[\s\-‐‑‒–—.]+")
PASSPORT_PATTERN = re.compile(r"^(?=.*[0-9])[A-Z0-9]{6,9}$")
ID_NUMBER_HINT = gettext_lazy(
    "An Emirates ID (784-YYYY-NNNNNNN-C, with or without dashes) or a passport number (6 to 9 letters and digits)."
)


def local_date(moment: datetime.datetime, tz: datetime.tzinfo) -> datetime.date:
    return moment.astimezone(tz).date()


def validate_validity_window(valid_from: datetime.datetime, valid_till: datetime.datetime) -> None:
    if valid_till <= valid_from:
        raise ValidationError(_("The permit must end after it starts."), code="window_order")


def validate_ends_in_future(valid_till: datetime.datetime, *, now: datetime.datetime) -> None:
    if valid_till <= now:
        raise ValidationError(_("The permit's end date must be in the future."), code="ends_in_past")


def validate_daily_times(time_in: datetime.time | None, time_out: datetime.time | None) -> None:
    if time_in and time_out and time_out <= time_in:
        raise ValidationError(_("The daily end time must be after the daily start time."), code="daily_times_order")


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
            _("Work in %(community)s is allowed between %(start)s and %(end)s.")
            % {"community": community_name, "start": f"{day_start:%H:%M}", "end": f"{day_end:%H:%M}"},
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
            _("No work is allowed in %(community)s on %(day)s%(why)s; choose dates that avoid it.")
            % {"community": community_name, "day": format_date(day), "why": why},
            code="blackout_date",
        )


def validate_max_length(
    valid_from: datetime.datetime,
    valid_till: datetime.datetime,
    *,
    tz: datetime.tzinfo,
    max_days: int,
    community_name: str,
) -> None:
    """At most ``max_days`` calendar days (community time), the first and the last day included."""
    first, last = local_date(valid_from, tz), local_date(valid_till, tz)
    days = (last - first).days + 1
    if days > max_days:
        raise ValidationError(
            _("A permit in %(community)s may cover at most %(max_days)s days; %(first)s to %(last)s is %(days)s days.")
            % {
                "community": community_name,
                "max_days": max_days,
                "first": format_date(first),
                "last": format_date(last),
                "days": days,
            },
            code="permit_too_long",
        )


def validate_noc_issued(issue_date: datetime.date, *, today: datetime.date) -> None:
    """``today`` in the community's time zone: a NOC cannot be issued after the day it is uploaded."""
    if issue_date > today:
        raise ValidationError(
            _("The NOC's issue date %(issued)s is in the future (today is %(today)s).")
            % {"issued": format_date(issue_date), "today": format_date(today)},
            code="noc_issued_in_future",
        )


def validate_noc_dates(issue_date: datetime.date, expiry_date: datetime.date) -> None:
    if expiry_date < issue_date:
        raise ValidationError(_("The NOC's expiry date is before its issue date."), code="noc_dates_order")


def validate_noc_covers_permit(
    noc_expiry: datetime.date, valid_till: datetime.datetime, *, tz: datetime.tzinfo
) -> None:
    ends = local_date(valid_till, tz)
    if noc_expiry < ends:
        raise ValidationError(
            _("The NOC expires on %(expiry)s, before the permit ends on %(ends)s.")
            % {"expiry": format_date(noc_expiry), "ends": format_date(ends)},
            code="noc_expires_before_permit",
        )


def validate_units_in_property(units: Iterable, property_id: int, property_label: str) -> None:
    outside = [unit.external_id for unit in units if unit.property_id != property_id]
    if outside:
        raise ValidationError(
            _("Unit %(units)s is not in %(property)s.") % {"units": ", ".join(outside), "property": property_label},
            code="unit_outside_property",
        )


def normalize_plate(plate: str) -> str:
    """The canonical spelling (see ``PLATE_PATTERN``), without judging it; also used to search."""
    text = unicodedata.normalize("NFKC", str(plate)).upper()
    return PLATE_SEPARATORS.sub("", text)


def validate_plate(plate: str, *, as_typed: str | None = None) -> None:
    """Expects a normalised plate; the message quotes ``as_typed`` when given."""
    if not PLATE_PATTERN.fullmatch(plate):
        raise ValidationError(
            _("“%(plate)s” is not a valid plate: letters and digits with at least one digit, at most 25 characters.")
            % {"plate": plate if as_typed is None else as_typed},
            code="invalid_plate",
        )


def clean_plate(raw: str) -> str:
    """The canonical plate, or a ValidationError."""
    plate = normalize_plate(raw)
    validate_plate(plate, as_typed=str(raw).strip())
    return plate


def emirates_id_check_digit(first_14_digits: str) -> int:
    """The Luhn check digit that completes ``first_14_digits``."""
    total = 0
    for position, char in enumerate(reversed(first_14_digits)):
        digit = int(char)
        if position % 2 == 0:  # doubled: the rightmost digit and every second one leftwards
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return (10 - total % 10) % 10


def make_emirates_id(year: int, serial: int) -> str:
    """A well-formed Emirates ID (demo data, seeds, tests): ``784-<year>-<serial>-<check digit>``."""
    digits = f"784{year:04d}{serial:07d}"
    return format_emirates_id(f"{digits}{emirates_id_check_digit(digits)}")


def format_emirates_id(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:7]}-{digits[7:14]}-{digits[14]}"


def normalize_id_number(raw: str) -> str:
    """A worker's ID in one spelling: ``784-YYYY-NNNNNNN-C`` for an Emirates ID (its check digit
    verified), else an upper-case passport number; a ValidationError for anything else."""
    text = ID_SEPARATORS.sub("", unicodedata.normalize("NFKC", str(raw or ""))).upper()
    if EMIRATES_ID_DIGITS.fullmatch(text):
        if int(text[-1]) != emirates_id_check_digit(text[:14]):
            raise ValidationError(
                _("“%(number)s” is not a valid Emirates ID: its last digit does not match (check the number).")
                % {"number": raw.strip()},
                code="invalid_emirates_id",
            )
        return format_emirates_id(text)
    if text.isdigit() and text.startswith("784") and len(text) > 9:
        raise ValidationError(
            _("“%(number)s” is not a valid Emirates ID: it has 15 digits, 784-YYYY-NNNNNNN-C.")
            % {"number": raw.strip()},
            code="invalid_emirates_id",
        )
    if PASSPORT_PATTERN.fullmatch(text):
        return text
    raise ValidationError(
        _("“%(number)s” is not a valid ID number. %(hint)s")
        % {"number": str(raw or "").strip(), "hint": ID_NUMBER_HINT},
        code="invalid_id",
    )


def same_person_name(one: str, other: str) -> bool:
    """Names compared as people read them: case, accents' width and extra spaces do not count."""

    def fold(name: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", name).casefold().split())

    return fold(one) == fold(other)


def normalize_worker(*, name: str, id_number: str, phone: str = "", region: str) -> dict[str, str]:
    """A worker as the gate needs them: a name, a valid ID number, a phone in E.164 (or none).
    Each refusal is under its field (``name``, ``id_number``, ``phone``)."""
    worker: dict[str, str] = {"name": (name or "").strip()}
    errors: dict[str, list[ValidationError]] = {}
    if not worker["name"]:
        errors["name"] = [ValidationError(_("Give the worker's name."), code="required")]
    for field_name, normalise in (
        ("id_number", lambda: normalize_id_number(id_number)),
        ("phone", lambda: normalize_optional_phone(phone, region=region)),
    ):
        try:
            worker[field_name] = normalise()
        except ValidationError as error:
            errors[field_name] = error.error_list
    if errors:
        raise ValidationError(errors)
    return worker


def normalize_representative_contact(raw: str, *, region: str) -> str:
    """The representative's phone (E.164) or e-mail; empty until the permit is submitted."""
    return normalize_contact(raw, region=region) if (raw or "").strip() else ""
