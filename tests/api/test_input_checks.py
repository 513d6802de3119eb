"""The API takes contact and gate data in any usual spelling, stores one, and answers 400 with the
field's path for what a partner would refuse."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from contractors.models import Contractor
from permits.models import Permit

from .support import days_ahead, iso, permit_body
from .test_contractors import contractor_body

pytestmark = pytest.mark.django_db

DUBAI = zoneinfo.ZoneInfo("Asia/Dubai")


def test_a_contractor_phone_and_email_in_any_spelling_are_stored_one_way(api):
    response = api.post("/communityContractors", contractor_body(phone="050 555 1234", email=" Omar@AlNoor.Example"))
    assert response.status == 201, response.body
    assert (response.body["phone"], response.body["email"]) == ("+971505551234", "omar@alnoor.example")
    contractor = Contractor.objects.get(reference=response.body["_id"])
    assert (contractor.phone, contractor.email) == ("+971505551234", "omar@alnoor.example")


def test_an_impossible_contractor_phone_is_400_on_its_field(api):
    response = api.post("/communityContractors", contractor_body(phone="050 555 12"))
    assert response.status == 400
    assert list(response.body["errors"]) == ["phone"]
    assert response.body["errors"]["phone"][0].startswith("“050 555 12” is not a phone number that can be dialled.")
    assert not Contractor.objects.filter(email="omar@alnoor.example").exists()


def test_the_same_phone_in_another_spelling_is_a_duplicate(api, site):
    site.contractor.phone = "+971505551234"
    site.contractor.save()
    response = api.post("/communityContractors", contractor_body(phone="050 555 1234"))
    assert response.status == 409
    assert response.body["message"] == "A contractor with this phone already exists in this community."


def test_people_and_plates_are_stored_one_way(api, site):
    body = permit_body(
        site,
        representativeContact="050 555 1234",
        employees=[
            {"name": "Ravi Kumar", "idNumber": "784199012345676", "phone": "055 123 4567"},
            {"name": "Ali Hassan", "idNumber": "n1234567"},
        ],
        vehicles=[{"plate": "dxb-a-12345"}],
    )
    response = api.post("/permits", body)
    assert response.status == 201, response.body
    permit = Permit.objects.get(reference=response.body["_id"])
    assert permit.representative_contact == "+971505551234"
    assert list(permit.workers.values_list("id_number", "phone")) == [
        ("784-1990-1234567-6", "+971551234567"),
        ("N1234567", ""),
    ]
    assert list(permit.vehicles.values_list("plate", flat=True)) == ["DXBA12345"]


def test_a_worker_with_id_123_and_phone_abc_is_400_on_both_fields(api, site):
    body = permit_body(site, employees=[{"name": "Ali Hassan", "idNumber": "123", "phone": "abc"}])
    response = api.post("/permits", body)
    assert response.status == 400
    assert set(response.body["errors"]) == {"employees[0].idNumber", "employees[0].phone"}
    assert "is not a valid ID number" in response.body["errors"]["employees[0].idNumber"][0]
    assert not Permit.objects.exists()


@pytest.mark.parametrize(
    ("change", "path", "says"),
    [
        ({"vehicles": [{"plate": "abc"}]}, "vehicles[0].plate", "is not a valid plate"),
        ({"representativeContact": "12"}, "representativeContact", "is not a phone number"),
        ({"employees": [{"name": "A", "idNumber": "784-1990-1234567-1"}]}, "employees[0].idNumber", "last digit"),
    ],
)
def test_a_value_a_partner_would_refuse_is_400_with_its_path(api, site, change, path, says):
    response = api.post("/permits", permit_body(site, **change))
    assert response.status == 400
    assert list(response.body["errors"]) == [path]
    assert says in response.body["errors"][path][0]


def test_a_noc_issued_tomorrow_in_dubai_is_400(api, site):
    body = permit_body(site)
    tomorrow = timezone.localtime(timezone.now(), DUBAI).date() + datetime.timedelta(days=1)
    body["noc"]["issueDate"] = tomorrow.isoformat()
    response = api.post("/permits", body)
    assert response.status == 400
    assert list(response.body["errors"]) == ["noc.issueDate"]
    body["noc"]["issueDate"] = (tomorrow - datetime.timedelta(days=1)).isoformat()
    assert api.post("/permits", body).status == 201


def test_a_permit_longer_than_the_community_allows_is_400(api, site):
    response = api.post("/permits", permit_body(site, validTill=iso(days_ahead(10 + 400, hour=14))))
    assert response.status == 400
    assert list(response.body["errors"]) == ["validTill"]
    assert "may cover at most 90 days" in response.body["errors"]["validTill"][0]


def test_an_extension_past_the_maximum_is_400(api, site, created_permit):
    response = api.patch(f"/permits/{created_permit['_id']}", {"validTill": iso(days_ahead(10 + 90, hour=14))})
    assert response.status == 400
    assert "may cover at most 90 days" in response.body["message"]
    response = api.patch(f"/permits/{created_permit['_id']}", {"validTill": iso(days_ahead(10 + 89, hour=14))})
    assert response.status == 200, response.body
