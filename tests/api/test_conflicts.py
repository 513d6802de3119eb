"""A 409 never tells a key of one community about another community's records.

salesforcePermitId is unique within a community; the contractor's e-mail and salesforceId stay unique across
the portal (Buzz-In keeps one contractor per e-mail), and a duplicate held elsewhere gets one generic answer.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from contractors.models import Contractor
from permits.models import Permit
from tests.factories import PermitFactory

from .support import ApiClient, permit_body
from .test_contractors import contractor_body

pytestmark = pytest.mark.django_db

REGISTERED_ELSEWHERE = (
    "A company with this email or salesforceId is already registered; ask the property management to add it "
    "to this community."
)


@pytest.fixture
def other_api(other_site) -> ApiClient:
    return ApiClient(other_site.raw_key)


def assert_conflict_without(response, *secrets: str):
    assert response.status == 409, response.body
    assert set(response.body) == {"name", "message", "code"}
    assert (response.body["name"], response.body["code"]) == ("Conflict", 409)
    for secret in secrets:
        assert secret not in response.body["message"]


# --- permits: salesforcePermitId is unique within a community -------------------------------------------------


def test_another_communitys_salesforce_permit_id_is_no_conflict(api, site, other_api, other_site):
    assert other_api.post("/permits", permit_body(other_site)).status == 201

    response = api.post("/permits", permit_body(site))

    assert response.status == 201, response.body
    assert Permit.objects.filter(crm_reference="a1B5g000000XYZWEAW").count() == 2


def test_another_communitys_permit_reference_is_no_conflict(api, site, other_site):
    foreign = PermitFactory(community=other_site.community, property=other_site.property, main_unit=other_site.units[0])

    response = api.post("/permits", permit_body(site, salesforcePermitId=foreign.reference))

    assert response.status == 201, response.body


def test_the_same_salesforce_permit_id_in_the_same_community_is_a_conflict(api, site, created_permit):
    response = api.post("/permits", permit_body(site))

    assert_conflict_without(response)
    assert "already exists in this community" in response.body["message"]


def test_the_database_holds_crm_references_unique_per_community(site, other_site):
    def permit(s):
        return PermitFactory(community=s.community, property=s.property, main_unit=s.units[0], crm_reference="CRM-1")

    permit(site)
    permit(other_site)
    with pytest.raises(IntegrityError), transaction.atomic():
        permit(site)


# --- contractors: e-mail and salesforceId unique everywhere, answered without the other tenant ---------------


@pytest.fixture
def registered_elsewhere(other_api):
    response = other_api.post("/communityContractors", contractor_body())
    assert response.status == 201
    return Contractor.objects.get(email="omar@alnoor.example")


def test_an_email_registered_through_another_community_is_answered_generically(api, registered_elsewhere, other_site):
    body = contractor_body(
        email="OMAR@alnoor.example", phone="+971509999999", integrations={"damac": {"salesforceId": None}}
    )
    response = api.post("/communityContractors", body)

    assert_conflict_without(
        response, other_site.community.name, registered_elsewhere.company_name, registered_elsewhere.reference
    )
    assert response.body["message"] == REGISTERED_ELSEWHERE


def test_a_salesforce_id_registered_through_another_community_gets_the_same_answer(
    api, registered_elsewhere, other_site
):
    response = api.post("/communityContractors", contractor_body(email="new@alnoor.example", phone="+971509999999"))

    assert_conflict_without(response, other_site.community.name, "a0B5g000000NEWCAW")
    assert response.body["message"] == REGISTERED_ELSEWHERE


def test_a_duplicate_in_the_keys_own_community_is_named(api):
    assert api.post("/communityContractors", contractor_body()).status == 201

    response = api.post("/communityContractors", contractor_body(phone="+971509999999"))

    assert_conflict_without(response)
    assert response.body["message"] == "A contractor with this email already exists in this community."
