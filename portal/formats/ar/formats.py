"""Arabic dates and times: the same order as English (day-month-year, 24-hour), with Arabic month
names from Django's catalogue and Western digits unless ARABIC_INDIC_DIGITS (see
portal.core.digits)."""

from ..en.formats import *  # noqa: F403  (one order for every language; month names come from the locale)
