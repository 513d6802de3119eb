"""The API's submit refuses a clash like every other door; the calendar costs the same queries for 3 permits and 60."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permits.choices import PermitStatus
from permits.models import ClashSettings, Permit
from tests.admin.conftest import logged_in
from tests.api.support import ApiClient, build_site, permit_body
from tests.factories import PermitFactory, permit_in_status

pytestmark = pytest.mark.django_db


def test_api_submit_of_a_clashing_permit_is_400_with_the_rule(db):
    cache.clear()
    site = build_site("A")
    settings = ClashSettings.objects.create(community=site.community)
    settings.exclusive_pairs.create(first_type="fit_out", second_type="fit_out")
    holder = permit_in_status("approved", community=site.community, property=site.property, main_unit=site.units[0])
    api = ApiClient(site.raw_key)
    body = permit_body(site, validFrom=holder.valid_from.isoformat(), validTill=holder.valid_till.isoformat())
    created = api.post("/permits", body)
    assert created.status == 201, created.body
    response = api.patch(f"/passes/{created.body['_id']}", {"action": "submit"})
    assert response.status == 400
    assert "Unit UNIT-A1 already has Fit-out work under another company's permit" in response.body["message"]
    assert holder.reference not in response.body["message"]  # the other company's permit is not named
    assert Permit.objects.get(reference=created.body["_id"]).status == PermitStatus.DRAFT


def calendar_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["admin:permits_permit_calendar", "permits:calendar"])
def test_calendar_queries_do_not_grow_with_permits(
    url_name, manager_a, contractor_user_a, community_a, property_a, contractor_a
):
    client = logged_in(manager_a if url_name.startswith("admin") else contractor_user_a)
    shown_day = datetime.date.today() + datetime.timedelta(days=5)  # inside every factory permit
    url = reverse(url_name) + f"?view=week&date={shown_day}&status=draft&status=submitted"

    def add(count):
        for _ in range(count):
            PermitFactory(community=community_a, property=property_a, contractor=contractor_a)

    add(3)
    few = calendar_queries(client, url)
    add(57)
    assert calendar_queries(client, url) == few
    assert len(client.get(url).context["page"].weeks[0].bars) == 60
