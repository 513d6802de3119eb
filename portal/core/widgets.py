"""Date and time inputs that show the portal's one order: day-month-year, 24-hour ("05/12/2026 08:00").

A browser's own ``date`` and ``datetime-local`` pickers follow the browser's locale (month first and a
12-hour clock in an American browser), whatever the page says. These are text inputs in the order of
``DATE_INPUT_FORMATS[0]`` / ``DATETIME_INPUT_FORMATS[0]`` (``portal/formats``), with a placeholder that
shows it; every format in those lists (ISO too) is accepted.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DayInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        hint = {"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off", "size": 12}
        super().__init__(attrs={**hint, **(attrs or {})})  # format: DATE_INPUT_FORMATS[0] of the language


class MomentInput(forms.DateTimeInput):
    input_type = "text"

    def __init__(self, attrs=None):
        hint = {"placeholder": _("dd/mm/yyyy hh:mm"), "autocomplete": "off", "size": 18}
        super().__init__(attrs={**hint, **(attrs or {})})  # format: DATETIME_INPUT_FORMATS[0]


class ClockInput(forms.TimeInput):
    """A time of day on the 24-hour clock ("08:00"); a browser's ``time`` picker may show AM/PM."""

    input_type = "text"

    def __init__(self, attrs=None):
        hint = {"placeholder": _("hh:mm"), "inputmode": "numeric", "autocomplete": "off", "size": 6}
        super().__init__(attrs={**hint, **(attrs or {})}, format="%H:%M")
