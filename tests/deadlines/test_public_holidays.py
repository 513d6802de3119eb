"""A year of the country's public holidays added to a community's calendar, by its managers only."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.core.models import AuditEvent, PublicHoliday
from portal.core.public_holidays import public_holidays_add_for_year
from tests.admin.conftest import logged_in, make_manager
from tests.factories import CommunityFactory

from .conftest import ACTOR

pytestmark = pytest.mark.django_db
ADD = "admin:core_publicholiday_add_for_year"


def test_the_uae_year_is_added_once_and_days_already_kept_stay(estate):
    PublicHoliday.objects.create(community=estate.community, date=datetime.date(2027, 12, 2), name="Our name")
    added = public_holidays_add_for_year(actor=ACTOR, community=estate.community, year=2027)
    days = {holiday.date for holiday in added}
    assert datetime.date(2027, 1, 1) in days and datetime.date(2027, 12, 3) in days
    assert datetime.date(2027, 12, 2) not in days  # kept as the manager named it
    assert any("estimated" in holiday.name for holiday in added)  # the moon's holidays are estimates
    assert public_holidays_add_for_year(actor=ACTOR, community=estate.community, year=2027) == []
    assert AuditEvent.objects.filter(action="core.public_holidays.added").count() == 2


def test_a_country_without_a_calendar_or_an_odd_year_is_refused(estate):
    estate.community.country = "ZZ"
    with pytest.raises(ValidationError):
        public_holidays_add_for_year(actor=ACTOR, community=estate.community, year=2027)
    with pytest.raises(ValidationError):
        public_holidays_add_for_year(actor=ACTOR, community=estate.community, year=1066)


def test_a_manager_adds_them_for_their_own_community_only(estate):
    other = CommunityFactory(name="Zabeel Heights")
    client = logged_in(make_manager("akoya-manager", estate.community))
    assert client.get(reverse(ADD)).status_code == 200
    refused = client.post(reverse(ADD), {"community": other.pk, "year": 2027})
    assert refused.status_code == 200 and not PublicHoliday.objects.filter(community=other).exists()
    done = client.post(reverse(ADD), {"community": estate.community.pk, "year": 2027})
    assert done.status_code == 302
    assert PublicHoliday.objects.filter(community=estate.community, date__year=2027).count() >= 5
    assert client.post(reverse(ADD), {"community": estate.community.pk, "year": "x"}).status_code == 200


def test_a_contractor_cannot_reach_it(estate):
    response = logged_in(estate.company_user).get(reverse(ADD))
    assert response.status_code == 302 and "/login/" in response["Location"]
