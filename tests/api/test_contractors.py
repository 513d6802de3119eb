"""POST /communityContractors and PATCH /communityContractors/{id}."""

from __future__ import annotations

import base64

import pytest

from contractors.choices import DocumentKind, MembershipStatus
from contractors.models import Contractor, ContractorMembership
from permits.choices import PermitStatus
from portal.api import ids
from portal.core.models import AuditEvent
from tests.factories import PDF_BYTES, permit_in_status

from .support import pdf_base64

pytestmark = pytest.mark.django_db


def contractor_body(**overrides) -> dict:
    body = {
        "name": "Omar Haddad",
        "email": "omar@alnoor.example",
        "phone": "+971501234567",
        "company": {
            "companyName": "Al Noor Interiors LLC",
            "tradeLicense": {"type": "base64", "fileName": "licence.pdf", "data": pdf_base64()},
            "tradeLicenseExpiryDate": "2030-01-31",
            "tradeLicenseNumber": "TL-884213",
            "insurance": {"type": "url", "url": "https://files.example.com/insurance.pdf"},
            "insuranceExpiryDate": "2029-06-30",
        },
        "integrations": {"damac": {"salesforceId": "a0B5g000000NEWCAW"}},
    }
    body.update(overrides)
    return body


def test_create_answers_201_pending_in_the_keys_community(api, site):
    response = api.post("/communityContractors", contractor_body())
    assert response.status == 201, response.body
    contractor = Contractor.objects.get(email="omar@alnoor.example")
    document = contractor.documents.get(kind=DocumentKind.TRADE_LICENCE)
    assert response.body == {
        "_id": contractor.reference,
        "name": "Omar Haddad",
        "email": "omar@alnoor.example",
        "phone": "+971501234567",
        "approved": False,
        "communitiesIds": [ids.community_id(site.community)],
        "company": {
            "companyName": "Al Noor Interiors LLC",
            "tradeLicense": {"publicUrl": f"http://testserver/documents/contractor/{document.pk}/"},
        },
        "integrations": {"damac": {"salesforceId": "a0B5g000000NEWCAW"}},
    }
    assert contractor.crm_reference == "a0B5g000000NEWCAW"
    assert str(contractor.trade_licence_expiry) == "2030-01-31" and str(contractor.insurance_expiry) == "2029-06-30"
    assert document.file.read() == PDF_BYTES
    membership = ContractorMembership.objects.get(contractor=contractor)
    assert membership.community == site.community and membership.status == MembershipStatus.PENDING
    linked = AuditEvent.objects.get(action="contractors.insurance.linked")
    assert linked.data["url"] == "https://files.example.com/insurance.pdf"


def test_a_url_trade_licence_is_answered_as_given(api):
    company = {**contractor_body()["company"], "tradeLicense": {"type": "url", "url": "https://x.example/tl.pdf"}}
    response = api.post("/communityContractors", contractor_body(company=company))
    assert response.status == 201
    assert response.body["company"]["tradeLicense"] == {"publicUrl": "https://x.example/tl.pdf"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "OMAR@alnoor.example", "phone": "+971500000001"}, "email"),
        ({"email": "other@alnoor.example"}, "phone"),
        ({"email": "third@alnoor.example", "phone": "+971500000002"}, "salesforceId"),
    ],
)
def test_duplicates_are_409(api, change, message):
    assert api.post("/communityContractors", contractor_body()).status == 201
    response = api.post("/communityContractors", contractor_body(**change))
    assert response.status == 409, response.body
    assert response.body["name"] == "Conflict" and message in response.body["message"]
    assert Contractor.objects.filter(email__endswith="alnoor.example").count() == 1


def test_the_same_phone_in_another_community_is_fine(api, other_site):
    from .support import ApiClient

    assert api.post("/communityContractors", contractor_body()).status == 201
    other = ApiClient(other_site.raw_key)
    body = contractor_body(email="b@alnoor.example", integrations={"damac": {"salesforceId": None}})
    assert other.post("/communityContractors", body).status == 201


@pytest.mark.parametrize(
    "change",
    [
        {"phone": "12345"},
        {"phone": "+971 12 345 6789"},
        {"email": "not-an-email"},
        {"company": {"companyName": "X"}},
        {"name": "x" * 201},
        {"integrations": {"damac": {"salesforceId": "x" * 19}}},
    ],
)
def test_invalid_bodies_are_400(api, change):
    response = api.post("/communityContractors", contractor_body(**change))
    assert response.status == 400
    assert not Contractor.objects.filter(email__endswith="alnoor.example").exists()


def test_a_disallowed_document_type_is_400_with_the_upload_checks_message(api):
    text = base64.b64encode(b"just some text").decode()
    company = {**contractor_body()["company"], "tradeLicense": {"type": "base64", "fileName": "x.pdf", "data": text}}
    response = api.post("/communityContractors", contractor_body(company=company))
    assert response.status == 400
    assert "Only PDF, PNG and JPEG files are accepted" in response.body["message"]
    assert not Contractor.objects.filter(email__endswith="alnoor.example").exists()


def test_approve_then_revoke(api, site):
    created = api.post("/communityContractors", contractor_body()).body
    response = api.patch(f"/communityContractors/{created['_id']}", {"action": "approve"})
    assert response.status == 200 and response.body["approved"] is True
    assert api.patch(f"/communityContractors/{created['_id']}", {"action": "approve"}).status == 200
    response = api.patch("/communityContractors/a0B5g000000NEWCAW", {"action": "revoke", "reason": "Left site."})
    assert response.status == 200
    assert response.body["approved"] is False and response.body["communitiesIds"] == []
    membership = ContractorMembership.objects.get(contractor__reference=created["_id"])
    assert membership.status == MembershipStatus.REVOKED and membership.status_reason == "Left site."


def test_revoke_archives_the_contractors_live_permits(api, site):
    permit = permit_in_status("active", community=site.community, property=site.property, contractor=site.contractor)
    response = api.patch(f"/communityContractors/{site.contractor.reference}", {"action": "revoke"})
    assert response.status == 200, response.body
    permit.refresh_from_db()
    assert permit.status == PermitStatus.ARCHIVED
    assert api.get(f"/permits/{permit.reference}").body["statusName"] == "ARCHIVED"


@pytest.mark.parametrize("body", [{}, {"action": "delete"}, {"action": None}, "revoke"])
def test_an_unknown_action_is_400(api, site, body):
    response = api.patch(f"/communityContractors/{site.contractor.reference}", body)
    assert response.status == 400


def test_an_unknown_contractor_is_404(api):
    response = api.patch("/communityContractors/a0Cnothere", {"action": "revoke"})
    assert response.status == 404
    assert response.body == {"name": "NotFound", "message": "Contractor a0Cnothere not found.", "code": 404}
