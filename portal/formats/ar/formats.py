"""Arabic dates and times: the same order as English (day-month-year, 24-hour), Arabic month names."""

from ..en.formats import *  # noqa: F403  (one order for every language; month names come from the locale)
