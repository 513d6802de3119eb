"""POST /permits, GET /permits/{id}, PATCH /permits/{id}: the contract's shapes, rules and status codes."""

from __future__ import annotations

import base64
import datetime

import pytest

from contractors.choices import MembershipStatus
from permits.choices import PermitSource, PermitStatus
from permits.models import NocVersion, Permit
from portal.api import ids
from portal.core.models import AuditEvent
from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import PNG_BYTES, MembershipFactory, UnitFactory, permit_in_status

from .support import days_ahead, iso, permit_body

pytestmark = pytest.mark.django_db


def test_create_answers_201_with_the_contract_shape(api, site, created_permit):
    permit = Permit.objects.get(reference=created_permit["_id"])
    noc = permit.noc_versions.get()
    assert created_permit == {
        "_id": permit.reference,
        "status": 10,
        "communityContractorId": site.contractor.reference,
        "propertyId": ids.property_id(site.property),
        "flatId": ids.unit_id(site.units[0]),
        "validFrom": iso(permit.valid_from),
        "validTill": iso(permit.valid_till),
        "integrations": {
            "damac": {
                "salesforceId": "a1B5g000000XYZWEAW",
                "noc": {
                    "document": {"publicUrl": f"http://testserver/documents/noc/{noc.pk}/"},
                    "nocNumber": "NOC-1",
                },
            }
        },
    }
    assert len(created_permit["propertyId"]) == 24
    assert created_permit["validFrom"].endswith(".000Z")
    assert permit.status == PermitStatus.DRAFT and permit.source == PermitSource.API
    assert permit.crm_reference == "a1B5g000000XYZWEAW"
    assert [(w.name, w.id_number) for w in permit.workers.all()] == [("Ravi Kumar", "784-1990-1234567-6")]
    assert [v.plate for v in permit.vehicles.all()] == ["DXBA12345"]
    assert noc.file and noc.content_type == "application/pdf" and noc.original_name == "noc.pdf"


def test_a_url_noc_is_kept_as_a_link_and_never_fetched(api, site, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the server must not fetch document URLs")

    monkeypatch.setattr(socket, "create_connection", no_network)
    noc = {**permit_body(site)["noc"], "type": "url", "url": "https://files.example.com/noc-12345.pdf"}
    del noc["data"]
    response = api.post("/permits", permit_body(site, noc=noc))
    assert response.status == 201, response.body
    stored = NocVersion.objects.get()
    assert stored.document_url == "https://files.example.com/noc-12345.pdf" and not stored.file
    assert response.body["integrations"]["damac"]["noc"]["document"]["publicUrl"] == stored.document_url


def test_property_and_flat_by_portal_ids_and_additional_flats(api, site):
    body = permit_body(site, salesforcePermitId=None)
    for name in ("propertyExternalId", "flatExternalId"):
        del body[name]
    body |= {
        "propertyId": ids.property_id(site.property),
        "flatId": ids.unit_id(site.units[0]),
        "additionalFlatExternalIds": [site.units[1].external_id],
        "additionalFlatIds": [ids.unit_id(site.units[2])],
        "communityContractorId": site.contractor.reference,
    }
    del body["contractorSalesforceId"]
    response = api.post("/permits", body)
    assert response.status == 201, response.body
    permit = Permit.objects.get(reference=response.body["_id"])
    assert permit.main_unit == site.units[0]
    assert set(permit.additional_units.all()) == {site.units[1], site.units[2]}
    assert response.body["integrations"]["damac"]["salesforceId"] is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"contractorSalesforceId": "a0Bunknown"}, "Contractor a0Bunknown not found"),
        ({"propertyExternalId": "TWR-NOWHERE"}, "Property TWR-NOWHERE not found"),
        ({"flatExternalId": "UNIT-NOWHERE"}, "Flat UNIT-NOWHERE not found"),
        ({"additionalFlatExternalIds": ["UNIT-NOWHERE"]}, "Flat UNIT-NOWHERE not found"),
        ({"propertyExternalId": None, "propertyId": "0" * 24}, "not found"),
    ],
)
def test_unmapped_references_are_404(api, site, change, message):
    body = {key: value for key, value in permit_body(site, **change).items() if value is not None}
    response = api.post("/permits", body)
    assert response.status == 404, response.body
    assert response.body["name"] == "NotFound" and response.body["code"] == 404
    assert message in response.body["message"]
    assert not Permit.objects.exists()


def test_a_flat_of_another_property_is_404(api, site):
    elsewhere = UnitFactory(property__community=site.community)
    response = api.post("/permits", permit_body(site, flatExternalId=elsewhere.external_id))
    assert response.status == 404


@pytest.mark.parametrize("status", [MembershipStatus.PENDING, MembershipStatus.REVOKED])
def test_a_contractor_not_approved_in_the_community_is_404(api, site, status):
    site.contractor.memberships.update(status=status)
    response = api.post("/permits", permit_body(site))
    assert response.status == 404
    assert "not approved" in response.body["message"]


def test_a_contractor_approved_only_elsewhere_is_404(api, site, other_site):
    response = api.post("/permits", permit_body(site, contractorSalesforceId=other_site.contractor.crm_reference))
    assert response.status == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"validTill": iso(days_ahead(-1))}, "validTill"),
        ({"validFrom": iso(days_ahead(20)), "validTill": iso(days_ahead(15))}, "validTill"),
        ({"validFrom": "2026-13-45T06:00:00Z"}, "validFrom"),
        ({"validFrom": "2026-07-01T06:00:00"}, "validFrom"),
        ({"validTill": "9999-12-31T23:59:59.999Z"}, "validTill"),
        ({"validFrom": None}, "validFrom"),
        ({"timeIn": "18:00", "timeOut": "08:00"}, "timeOut"),
        ({"timeIn": "25:00"}, "timeIn"),
    ],
)
def test_date_rules_are_400(api, site, change, field):
    body = {key: value for key, value in permit_body(site, **change).items() if value is not None}
    response = api.post("/permits", body)
    assert response.status == 400, response.body
    assert response.body["name"] == "BadRequest" and response.body["code"] == 400
    assert field in response.body["errors"], response.body
    assert not Permit.objects.exists()


def test_a_noc_expiring_before_the_permit_is_400(api, site):
    noc = {**permit_body(site)["noc"], "expiryDate": days_ahead(20).date().isoformat()}
    response = api.post("/permits", permit_body(site, noc=noc))
    assert response.status == 400
    assert "The NOC expires on" in response.body["message"]
    assert not Permit.objects.exists()


def test_a_repeated_salesforce_permit_id_is_409(api, site, created_permit):
    response = api.post("/permits", permit_body(site))
    assert response.status == 409
    assert response.body == {
        "name": "Conflict",
        "message": "A permit with salesforcePermitId a1B5g000000XYZWEAW already exists in this community.",
        "code": 409,
    }
    assert Permit.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not base64!!", "not valid base64"),
        (base64.b64encode(b"plain text, not a document").decode(), "Only PDF, PNG and JPEG"),
        ("", "may not be blank"),
    ],
)
def test_a_bad_base64_document_is_400_with_the_checks_message(api, site, data, message):
    noc = {**permit_body(site)["noc"], "data": data}
    response = api.post("/permits", permit_body(site, noc=noc))
    assert response.status == 400, response.body
    assert message in response.body["message"]
    assert not Permit.objects.exists()


def test_get_by_id_and_by_salesforce_id(api, site, created_permit):
    for lookup in (created_permit["_id"], "a1B5g000000XYZWEAW"):
        response = api.get(f"/permits/{lookup}")
        assert response.status == 200
        body = response.body
        assert {key: body[key] for key in created_permit if key != "integrations"} == {
            key: value for key, value in created_permit.items() if key != "integrations"
        }
        assert body["statusName"] == "DRAFT" and body["passNumber"] is None and body["accessCode"] is None
        assert body["integrations"]["damac"]["nocHistory"] == []
        assert body["employees"] == [{"name": "Ravi Kumar", "idNumber": "784-1990-1234567-6", "phone": "+971501112233"}]
        assert body["vehicles"] == [{"plate": "DXBA12345"}]
        assert body["timeIn"] == "08:00" and body["timeOut"] == "17:00"


def test_get_an_active_permit_shows_the_pass(api, site):
    permit = permit_in_status("active", community=site.community, property=site.property, main_unit=site.units[0])
    body = api.get(f"/permits/{permit.reference}").body
    assert (body["status"], body["statusName"]) == (1, "ACCEPTED")
    assert body["passNumber"] == "WP-000001" and body["accessCode"] == "7H2KQ9ZTM4XB1RPA8VC0DLEN"


def test_get_an_unknown_permit_is_404(api):
    response = api.get("/permits/a1Pnothere")
    assert response.status == 404
    assert response.body == {"name": "NotFound", "message": "Permit a1Pnothere not found.", "code": 404}


def test_patch_validity_of_a_draft(api, created_permit):
    new_till = days_ahead(50, hour=14)
    response = api.patch(f"/permits/{created_permit['_id']}", {"validTill": iso(new_till)})
    assert response.status == 200, response.body
    assert response.body["validTill"] == iso(new_till)
    assert Permit.objects.get().valid_till == new_till
    assert not OutboundDelivery.objects.exists()


def test_patch_validity_of_an_active_permit_extends_it(api, site):
    permit = permit_in_status("active", community=site.community, property=site.property, main_unit=site.units[0])
    new_till = permit.valid_till + datetime.timedelta(days=5)
    response = api.patch(f"/permits/{permit.reference}", {"validTill": iso(new_till)})
    assert response.status == 200, response.body
    permit.refresh_from_db()
    assert permit.valid_till == new_till and permit.status == PermitStatus.ACTIVE
    assert OutboundDelivery.objects.filter(operation=buzzin_op.PERMIT_UPDATE_VALIDITY).count() == 1
    event = AuditEvent.objects.filter(target_id=str(permit.pk), action="permits.permit.extended").get()
    assert event.actor_label == f"api key: {site.key.name} ({site.key.prefix}…)"


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        ("submitted", {"validTill": iso(days_ahead(45))}, "A submitted permit cannot be extended."),
        ("draft", {"validTill": iso(days_ahead(-2))}, "The permit's end date must be in the future."),
        ("active", {"representativeName": "Someone Else"}, "active permit can no longer be edited."),
        ("cancelled", {"action": "replaceNoc"}, "replaceNoc needs the new noc."),
    ],
)
def test_patch_refusals_are_400(api, site, status, body, message):
    permit = permit_in_status(status, community=site.community, property=site.property, main_unit=site.units[0])
    response = api.patch(f"/permits/{permit.reference}", body)
    assert response.status == 400, response.body
    assert message in response.body["message"]


def test_patch_an_empty_body_is_400(api, created_permit):
    response = api.patch(f"/permits/{created_permit['_id']}", {})
    assert response.status == 400
    assert "Nothing to change" in response.body["message"]


def test_replace_noc_keeps_the_earlier_version_in_the_history(api, site, created_permit):
    png = base64.b64encode(PNG_BYTES).decode()
    noc = {**permit_body(site)["noc"], "nocNumber": "NOC-2", "data": png, "fileName": "noc2.png"}
    response = api.patch(f"/permits/{created_permit['_id']}", {"action": "replaceNoc", "noc": noc})
    assert response.status == 200, response.body
    damac = response.body["integrations"]["damac"]
    assert damac["noc"]["nocNumber"] == "NOC-2" and damac["noc"]["version"] == 2
    assert [entry["nocNumber"] for entry in damac["nocHistory"]] == ["NOC-1"]
    assert NocVersion.objects.get(is_current=True).content_type == "image/png"


def test_patch_the_fields_submit_needs_and_whole_lists(api, created_permit):
    body = {
        "timeIn": "09:00",
        "timeOut": "16:30",
        "representativeName": "Priya Nair",
        "representativeContact": "+971559876543",
        "employees": [
            {"name": "Ravi Kumar", "idNumber": "784-1990-1234567-6", "phone": "+971501112233"},
            {"name": "Ali Hassan", "idNumber": "784-1985-7654321-3"},
        ],
        "vehicles": [{"plate": "SHJ-3-4455"}],
        "permitType": "maintenance",
    }
    response = api.patch(f"/permits/{created_permit['_id']}", body)
    assert response.status == 200, response.body
    answer = response.body
    assert (answer["timeIn"], answer["timeOut"], answer["permitType"]) == ("09:00", "16:30", "maintenance")
    assert [employee["name"] for employee in answer["employees"]] == ["Ravi Kumar", "Ali Hassan"]
    assert answer["vehicles"] == [{"plate": "SHJ34455"}]
    permit = Permit.objects.get()
    assert permit.representative_name == "Priya Nair"
    assert permit.workers.count() == 2
    assert list(permit.vehicles.filter(removed_at__isnull=True).values_list("plate", flat=True)) == ["SHJ34455"]


def test_a_bad_plate_is_400(api, created_permit):
    response = api.patch(f"/permits/{created_permit['_id']}", {"vehicles": [{"plate": "NO/GOOD"}]})
    assert response.status == 400
    assert "is not a valid plate" in response.body["message"]


def test_an_approved_contractor_in_a_second_community_is_found_by_its_reference(api, site, other_site):
    MembershipFactory(contractor=other_site.contractor, community=site.community, status=MembershipStatus.APPROVED)
    body = permit_body(site, contractorSalesforceId=other_site.contractor.reference, salesforcePermitId=None)
    response = api.post("/permits", body)
    assert response.status == 201, response.body
    assert response.body["communityContractorId"] == other_site.contractor.reference
