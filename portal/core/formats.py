"""Dates and times in Python code, written the one way the templates write them.

The formats live in ``portal/formats/<language>/formats.py`` (``FORMAT_MODULE_PATH``): "05 Dec 2026, 08:00",
day-month-year, 24-hour. Use these wherever Python (not a template) writes a date for a person:
admin columns, CSV, e-mail text, validation messages.
"""

from __future__ import annotations

import datetime
import functools

from django.utils import formats, timezone, translation


def format_date(day: datetime.date | None) -> str:
    return _date_in_language(day, translation.get_language()) if day else ""


@functools.lru_cache(maxsize=4096)
def _date_in_language(day: datetime.date, language: str | None) -> str:
    """Called while ``language`` is active. A list writes the same few days over and over, and Django's
    formatter (format lookup, month names through the catalogue) costs more than the rest of a cell."""
    return formats.date_format(day, "DATE_FORMAT")


def format_datetime(moment: datetime.datetime | None, tz: datetime.tzinfo | None = None) -> str:
    """``moment`` on ``tz``'s clock (default: the active zone), e.g. "05 Dec 2026, 08:00"."""
    if not moment:
        return ""
    if timezone.is_aware(moment):
        moment = moment.astimezone(tz) if tz else timezone.localtime(moment)
    return formats.date_format(moment, "DATETIME_FORMAT")


def format_local_date(moment: datetime.datetime | None, tz: datetime.tzinfo | None = None) -> str:
    """The day ``moment`` falls on, on ``tz``'s clock."""
    if not moment:
        return ""
    return format_date((moment.astimezone(tz) if tz else timezone.localtime(moment)).date())
