"""A key reaches its own community only: every object of another community is a 404, as if it did not exist."""

from __future__ import annotations

import pytest

from permits.models import Permit
from tests.factories import link_buzzin_permit, permit_in_status

from .support import ApiClient, permit_body

pytestmark = pytest.mark.django_db


def test_every_object_of_another_community_is_404(api, site, other_site):
    theirs = permit_in_status(
        "active", community=other_site.community, property=other_site.property, contractor=other_site.contractor
    )
    theirs.crm_reference = "a1Btheirs00000CRM"
    theirs.save()
    link_buzzin_permit(theirs, "66f0a1b2c3d4e5f600000abc")
    for permit_id in (theirs.reference, theirs.crm_reference, "66f0a1b2c3d4e5f600000abc"):
        assert api.get(f"/permits/{permit_id}").status == 404
        assert api.patch(f"/permits/{permit_id}", {"validTill": "2099-01-01T00:00:00Z"}).status == 404
        for action in ("submit", "revoke", "reissuePass"):
            assert api.patch(f"/passes/{permit_id}", {"action": action}).status == 404
    for contractor_id in (other_site.contractor.reference, other_site.contractor.crm_reference):
        for action in ("approve", "revoke"):
            assert api.patch(f"/communityContractors/{contractor_id}", {"action": action}).status == 404
    theirs.refresh_from_db()
    assert theirs.status == "active" and theirs.valid_till.year != 2099
    assert other_site.contractor.memberships.get().status == "approved"


@pytest.mark.parametrize(
    "references",
    [
        lambda other: {"contractorSalesforceId": other.contractor.crm_reference},
        lambda other: {"communityContractorId": other.contractor.reference, "contractorSalesforceId": None},
        lambda other: {"propertyExternalId": other.property.external_id, "flatExternalId": other.units[0].external_id},
        lambda other: {"additionalFlatExternalIds": [other.units[1].external_id]},
    ],
)
def test_creating_with_another_communitys_references_is_404(api, site, other_site, references):
    body = {key: value for key, value in permit_body(site, **references(other_site)).items() if value is not None}
    response = api.post("/permits", body)
    assert response.status == 404, response.body
    assert not Permit.objects.exists()


def test_each_key_sees_its_own_permit(api, site, other_site, created_permit):
    assert api.get(f"/permits/{created_permit['_id']}").status == 200
    assert ApiClient(other_site.raw_key).get(f"/permits/{created_permit['_id']}").status == 404
