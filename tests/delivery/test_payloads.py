"""The request bodies, built from the portal's current state."""

from __future__ import annotations

import base64
import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from contractors.choices import DocumentKind
from contractors.services import contractor_document_upload
from permits.models import NocVersion
from portal.integrations.buzzin import payloads as payloads_buzzin
from portal.integrations.delivery.outcome import PayloadError
from portal.integrations.opscom import payloads as payloads_opscom
from tests.factories import PDF_BYTES, ContractorFactory, PermitFactory, UnitFactory, VehicleFactory

pytestmark = pytest.mark.django_db


def test_iso_utc_has_milliseconds_and_z():
    dubai = datetime.timezone(datetime.timedelta(hours=4))
    moment = datetime.datetime(2026, 7, 1, 10, 0, 0, 123456, tzinfo=dubai)
    assert payloads_buzzin.iso_utc(moment) == "2026-07-01T06:00:00.123Z"


def test_permit_create_body(actor):
    permit = PermitFactory(permit_type="build_up", time_in=datetime.time(8, 30), time_out=datetime.time(17, 0))
    extra = UnitFactory(property=permit.property)
    permit.additional_units.add(extra)
    VehicleFactory(permit=permit, plate="DXBA1")
    VehicleFactory(permit=permit, plate="DXBB2", removed_at=datetime.datetime.now(datetime.UTC))
    noc = permit.noc_versions.get(is_current=True)

    body = payloads_buzzin.permit_create_body(permit, noc)

    assert body["salesforcePermitId"] == permit.reference
    assert body["contractorSalesforceId"] == permit.contractor.reference
    assert (body["propertyExternalId"], body["flatExternalId"]) == (
        permit.property.external_id,
        permit.main_unit.external_id,
    )
    assert body["additionalFlatExternalIds"] == [extra.external_id]
    assert body["validFrom"] == payloads_buzzin.iso_utc(permit.valid_from)
    assert body["validFrom"].endswith(".000Z")
    assert (body["permitType"], body["timeIn"], body["timeOut"]) == ("buildUp", "08:30", "17:00")
    assert body["representativeName"] == permit.representative_name
    assert body["employees"] == [{"name": "Ravi Kumar", "idNumber": "784-1990-1234567-6"}]
    assert body["vehicles"] == [{"plate": "DXBA1"}]  # removed vehicles are not on the pass
    assert body["noc"] == {
        "type": "base64",
        "fileName": "noc.pdf",
        "contentType": "application/pdf",
        "data": base64.b64encode(PDF_BYTES).decode(),
        "nocNumber": noc.noc_number,
        "issueDate": noc.issue_date.isoformat(),
        "expiryDate": noc.expiry_date.isoformat(),
    }


def test_a_noc_given_as_a_link_travels_as_a_url():
    permit = PermitFactory(with_noc=False)
    noc = NocVersion.objects.create(
        permit=permit,
        version=1,
        noc_number="NOC-9",
        issue_date=datetime.date(2026, 1, 1),
        expiry_date=datetime.date(2027, 1, 1),
        document_url="https://crm.example.com/noc/9.pdf",
    )
    assert payloads_buzzin.noc_descriptor(noc) == {
        "type": "url",
        "url": "https://crm.example.com/noc/9.pdf",
        "nocNumber": "NOC-9",
        "issueDate": "2026-01-01",
        "expiryDate": "2027-01-01",
    }


def test_permit_without_noc_cannot_be_created():
    permit = PermitFactory(with_noc=False)
    with pytest.raises(PayloadError):
        payloads_buzzin.permit_create_body(permit, None)


def test_a_document_missing_from_storage_is_a_payload_error():
    permit = PermitFactory()
    noc = permit.noc_versions.get()
    noc.file.storage.delete(noc.file.name)
    with pytest.raises(PayloadError, match="cannot be read from storage"):
        payloads_buzzin.noc_descriptor(noc)


def test_contractor_body_carries_the_current_trade_licence(actor):
    contractor = ContractorFactory(contact_name="Omar Haddad", trade_licence_expiry=datetime.date(2027, 3, 31))
    for content, expiry in ((b"%PDF-1.4 old licence", "2026-12-31"), (PDF_BYTES, "2027-03-31")):
        contractor_document_upload(
            actor=actor,
            contractor=contractor,
            kind=DocumentKind.TRADE_LICENCE,
            file=ContentFile(content, name="licence.pdf"),
            expiry_date=datetime.date.fromisoformat(expiry),
        )
    body = payloads_buzzin.contractor_create_body(contractor)
    assert (body["name"], body["email"], body["phone"]) == ("Omar Haddad", contractor.email, contractor.phone)
    assert body["integrations"] == {"damac": {"salesforceId": contractor.reference}}
    company = body["company"]
    assert (company["companyName"], company["tradeLicenseExpiryDate"]) == (contractor.company_name, "2027-03-31")
    assert company["tradeLicense"]["type"] == "base64"
    assert base64.b64decode(company["tradeLicense"]["data"]) == PDF_BYTES  # the latest version


def test_contractor_body_without_a_licence_document_omits_it():
    body = payloads_buzzin.contractor_create_body(ContractorFactory(trade_licence_expiry=None))
    assert body["company"] == {"companyName": body["company"]["companyName"]}


def test_opscom_push_arguments():
    permit = PermitFactory(pass_number="WP-002391")
    permit.community.parking_fee = Decimal("14.50")
    permit.community.parking_currency = "AED"
    permit.community.time_zone = "Asia/Dubai"
    permit.community.save()
    permit.property.parking_zone = "ZONE-B"
    permit.property.save()
    vehicle = VehicleFactory(permit=permit, plate="DXB12345", position=2)

    arguments = payloads_opscom.push_arguments(vehicle)

    assert arguments == {
        "plate": "DXB12345",
        "start": permit.valid_from,
        "end": permit.valid_till,
        "zone": "ZONE-B",
        "permit_no": "WP-002391-2",
        "tz_name": "Asia/Dubai",
        "amount": Decimal("14.50"),
        "currency": "AED",
    }


def test_opscom_push_before_a_pass_number_uses_the_reference_and_the_community_zone():
    vehicle = VehicleFactory()
    arguments = payloads_opscom.push_arguments(vehicle)
    assert arguments["permit_no"] == f"{vehicle.permit.reference}-1"
    assert arguments["zone"] == "ZONE-A"
    assert "amount" not in arguments and "currency" not in arguments


def test_no_parking_zone_anywhere_is_a_configuration_fault():
    vehicle = VehicleFactory()
    vehicle.permit.community.parking_zone = ""
    vehicle.permit.community.save()
    with pytest.raises(PayloadError) as raised:
        payloads_opscom.push_arguments(vehicle)
    assert raised.value.kind == "configuration"


def test_opscom_update_arguments():
    vehicle = VehicleFactory()
    assert payloads_opscom.update_arguments(vehicle, "ref-1") == {
        "reference_id": "ref-1",
        "end": vehicle.permit.valid_till,
        "plate": vehicle.plate,
        "tz_name": vehicle.permit.community.time_zone,
    }
