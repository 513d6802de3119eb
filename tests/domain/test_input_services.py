"""The services normalise and check too (the API, the CRM and the demo data go through them):
whatever door a value comes through, it is stored one way or refused under its field."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from contractors.services import contractor_create, membership_request
from permits import services
from tests.factories import CommunityFactory, ContractorFactory, in_days, permit_in_status

pytestmark = pytest.mark.django_db


def test_contractor_create_normalises_by_the_first_communitys_country(actor):
    riyadh = CommunityFactory(country="SA")
    contractor = contractor_create(
        actor=actor,
        company_name="Najd Fitout",
        contact_name="Faisal",
        email=" Faisal@Najd.Example",
        phone="050 123 4567",
        communities=[riyadh, CommunityFactory()],
    )
    assert (contractor.phone, contractor.email) == ("+966501234567", "faisal@najd.example")


def test_contractor_create_refuses_field_by_field(actor):
    with pytest.raises(ValidationError) as raised:
        contractor_create(actor=actor, company_name="X", contact_name="Y", email="nope", phone="12")
    assert set(raised.value.error_dict) == {"email", "phone"}


def test_joining_a_community_where_another_company_has_the_phone_is_refused(actor):
    community = CommunityFactory(name="Palm Gardens")
    contractor_create(
        actor=actor,
        company_name="A",
        contact_name="A",
        email="a@a.example",
        phone="+971505551234",
        communities=[community],
    )
    twin = ContractorFactory(phone="+971505551234")
    with pytest.raises(ValidationError) as raised:
        membership_request(actor=actor, contractor=twin, community=community)
    assert raised.value.message_dict["phone"] == [
        "Another company working in Palm Gardens already has this phone number; each company needs its own."
    ]


def test_worker_add_stores_one_spelling_and_refuses_field_by_field(actor):
    permit = permit_in_status("draft")
    worker = services.worker_add(actor=actor, permit=permit, name=" Ali ", id_number="784198576543213", phone="")
    assert (worker.name, worker.id_number, worker.phone) == ("Ali", "784-1985-7654321-3", "")
    with pytest.raises(ValidationError) as raised:
        services.worker_add(actor=actor, permit=permit, name="Ali", id_number="123", phone="abc")
    assert set(raised.value.error_dict) == {"id_number", "phone"}


def test_a_draft_created_by_a_service_is_normalised(actor):
    template = permit_in_status("draft")
    permit = services.permit_create_draft(
        actor=actor,
        contractor=template.contractor,
        property=template.property,
        main_unit=template.main_unit,
        valid_from=in_days(2),
        valid_till=in_days(10),
        representative_contact="050 555 1234",
        workers=[{"name": "Ravi", "id_number": "784199012345676", "phone": "0551234567"}],
        plates=["DXB A 1"],
    )
    assert permit.representative_contact == "+971505551234"
    assert list(permit.workers.values_list("id_number", "phone")) == [("784-1990-1234567-6", "+971551234567")]
    assert list(permit.vehicles.values_list("plate", flat=True)) == ["DXBA1"]


def test_approve_checks_the_maximum_length_the_community_has_now(actor):
    permit = permit_in_status("submitted")
    permit.community.max_permit_days = 7
    permit.community.save()
    with pytest.raises(ValidationError, match="may cover at most 7 days"):
        services.permit_approve(actor=actor, permit=permit)


def test_an_extension_may_not_pass_the_maximum_length(actor):
    permit = permit_in_status("approved")
    too_far = permit.valid_from + datetime.timedelta(days=120)
    with pytest.raises(ValidationError, match="may cover at most 90 days"):
        services.permit_extend(actor=actor, permit=permit, valid_till=too_far)
    with pytest.raises(ValidationError, match="may cover at most 90 days"):
        services.permit_request_extension(actor=actor, permit=permit, valid_till=too_far)
    services.permit_extend(actor=actor, permit=permit, valid_till=permit.valid_from + datetime.timedelta(days=60))


def test_a_noc_issued_in_the_future_is_refused_by_the_service(actor):
    permit = permit_in_status("draft")
    tomorrow = datetime.datetime.now(permit.community.tzinfo).date() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as raised:
        services.noc_version_upload(
            actor=actor,
            permit=permit,
            noc_number="N-2",
            issue_date=tomorrow,
            expiry_date=tomorrow + datetime.timedelta(days=100),
            document_url="https://docs.example.com/noc.pdf",
        )
    assert list(raised.value.error_dict) == ["issue_date"]
