"""The manager's side of the input checks: the ID-number warning on the permit page, plate search in
any spelling, and the community's own limits (country, maximum length, OPS-COM's fee and currency)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from portal.core.models import Community
from tests.factories import PermitFactory, UserFactory, VehicleFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def test_the_permit_page_warns_of_one_id_under_two_names(manager_client, permit_a, property_a, community_a):
    mine = permit_a.workers.get()
    other = PermitFactory(community=community_a, property=property_a, with_worker=False)  # another company
    WorkerFactory(permit=other, name="Omar Khan", id_number=mine.id_number)
    WorkerFactory(permit=permit_a, name="Sami Aziz", id_number=mine.id_number)

    page = manager_client.get(reverse("admin:permits_permit_change", args=[permit_a.pk])).content.decode()
    assert "One Emirates ID under two names" in page
    assert f"Emirates ID {mine.id_number}: Ravi Kumar here, Omar Khan on permit {other.reference} (" in page
    assert f"Emirates ID {mine.id_number}: Sami Aziz here, Ravi Kumar on this permit." in page
    assert page.count(f"Emirates ID {mine.id_number}:") == 3  # the pair on this permit is told once per name


def test_passport_numbers_and_other_communities_are_not_compared(manager_client, permit_a, permit_b):
    permit_a.workers.update(id_number="N1234567")
    WorkerFactory(permit=permit_a, name="Sami Aziz", id_number="N1234567")
    WorkerFactory(permit=permit_b, name="Omar Khan", id_number="784-1985-7654321-3")
    WorkerFactory(permit=permit_a, name="Ali Hassan", id_number="784-1985-7654321-3")
    page = manager_client.get(reverse("admin:permits_permit_change", args=[permit_a.pk])).content.decode()
    assert "One Emirates ID under two names" not in page


@pytest.mark.parametrize("typed", ["DXB A 12345", "DXB-A-12345", "dxba12345", "a 12345"])
def test_a_plate_is_found_in_any_spelling(manager_client, permit_a, community_a, property_a, typed):
    VehicleFactory(permit=permit_a, plate="DXBA12345")
    other = PermitFactory(community=community_a, property=property_a)
    VehicleFactory(permit=other, plate="DXBB20202")
    url = reverse("admin:permits_permit_changelist")
    assert list(manager_client.get(url, {"q": typed}).context["cl"].result_list) == [permit_a]


def _community_form(community, **changes):
    request = RequestFactory().get("/")
    request.user = UserFactory(username="root", is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[Community]
    data = {**model_to_dict(community), **changes}
    data = {key: value for key, value in data.items() if value is not None}
    return model_admin.get_form(request, community)(data=data, instance=community)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"max_permit_days": 0}, "max_permit_days"),
        ({"parking_fee": "0.00"}, "parking_fee"),
        ({"parking_fee": "1000000.00"}, "parking_fee"),
        ({"parking_currency": "dirham"}, "parking_currency"),
    ],
)
def test_the_community_admin_refuses_what_the_rules_or_opscom_would(community_a, changes, field):
    form = _community_form(community_a, **changes)
    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_the_community_defaults_are_the_uae_and_ninety_days(community_a):
    assert (community_a.country, community_a.max_permit_days) == ("AE", 90)
    assert _community_form(community_a, max_permit_days=180, parking_fee="25.00").is_valid()
