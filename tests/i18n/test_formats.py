"""Dates and numbers for the language: Arabic month names, Western digits unless ARABIC_INDIC_DIGITS."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from permits.models import Vehicle
from portal.core.digits import arabic_indic
from portal.core.models import LanguagePreference

pytestmark = pytest.mark.django_db


def test_arabic_dates_are_day_month_year_with_arabic_month_names():
    day = datetime.date(2026, 12, 2)
    with translation.override("ar"):
        assert formats.date_format(day) == "02 ديسمبر 2026"
        assert formats.date_format(datetime.datetime(2026, 12, 2, 17, 5), "DATETIME_FORMAT") == "02 ديسمبر 2026, 17:05"
        assert formats.time_format(datetime.time(17, 5)) == "17:05"


def test_digits_are_western_by_default(user_a, client_a, permit_a):
    LanguagePreference.objects.create(user=user_a, language="ar")
    html = client_a.get(reverse("permits:detail", args=[permit_a.reference])).content.decode()
    assert "٢" not in html


def test_one_setting_writes_arabic_indic_digits_and_keeps_codes(settings, user_a, permit_a):
    settings.ARABIC_INDIC_DIGITS = True
    Vehicle.objects.create(permit=permit_a, plate="DXB12345")
    LanguagePreference.objects.create(user=user_a, language="ar")
    client = Client()
    client.force_login(user_a)
    html = client.get(reverse("permits:detail", args=[permit_a.reference])).content.decode()
    assert "٢٠٢" in html  # the years of the dates
    assert '<bdi dir="ltr">DXB12345</bdi>' in html  # the plate as written on it
    assert 'value="DXB12345"' in html  # attributes untouched
    english = Client(headers={"accept-language": "en"})
    assert "٢" not in english.get(reverse("login")).content.decode()


def test_the_rewrite_spares_codes_entities_and_markup():
    html = '<p class="x1">On 2 &#8212; <bdi dir="ltr">DXB 12</bdi> <i class="ltr">050</i> 3</p><code>7</code>'
    expected = '<p class="x1">On ٢ &#8212; <bdi dir="ltr">DXB 12</bdi> <i class="ltr">050</i> ٣</p><code>7</code>'
    assert arabic_indic(html) == expected
