"""A community's public holidays proposed from its country's calendar (python-holidays), added in one go.

Managers keep the list (admin: *Public holidays*); this fills in a year at once. Holidays that
follow the moon (Eid, the Prophet's Birthday...) are the library's estimates, named "(estimated)":
the UAE announces them shortly before, so managers correct the dates then.
"""

from __future__ import annotations

import datetime

import holidays as country_calendars
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .actors import Actor
from .events import domain_service, event_record
from .models import Community, PublicHoliday

NAME_LENGTH = PublicHoliday._meta.get_field("name").max_length


def country_holidays(country: str, year: int) -> list[tuple[datetime.date, str]]:
    """The country's public holidays of ``year``, by date (several names on one day joined)."""
    try:
        calendar = country_calendars.country_holidays(country, years=year, language="en_US")
    except NotImplementedError:
        raise ValidationError(
            _("No public-holiday calendar is known for %(country)s: add the days by hand.") % {"country": country},
            code="no_calendar",
        ) from None
    return sorted((day, name[:NAME_LENGTH]) for day, name in calendar.items())


@domain_service
def public_holidays_add_for_year(*, actor: Actor, community: Community, year: int) -> list[PublicHoliday]:
    """Add the country's holidays of ``year`` that the community does not have yet; returns those added."""
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Give a year from 2000 to 2100."), code="year")
    known = set(PublicHoliday.objects.filter(community=community, date__year=year).values_list("date", flat=True))
    added = PublicHoliday.objects.bulk_create(
        PublicHoliday(community=community, date=day, name=name)
        for day, name in country_holidays(community.country, year)
        if day not in known
    )
    event_record(
        actor=actor,
        target=community,
        action="core.public_holidays.added",
        community=community,
        data={"year": year, "country": community.country, "dates": [holiday.date.isoformat() for holiday in added]},
    )
    return added
