"""Contact and gate data checked where they enter the contractor pages: the registration form, the
permit form, workers, vehicles, the NOC, the checklist and the ID-number warning."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from contractors.models import Contractor, ContractorMembership
from contractors.services import contractor_approve
from permits.models import NocVersion, Permit, Vehicle, Worker
from portal.core.actors import Actor
from portal.integrations.buzzin import payloads as payloads_buzzin
from tests.factories import CommunityFactory, PermitFactory, WorkerFactory

from .conftest import Counts, assert_says, local_input, pdf_upload

pytestmark = pytest.mark.django_db

DUBAI = zoneinfo.ZoneInfo("Asia/Dubai")
PASSWORD = "Sand-dune-42-orbit"


def _registration(community, **overrides):
    data = {
        "company_name": "Desert Star Fitout LLC",
        "contact_name": "Faisal Rahman",
        "company_email": " Info@DesertStar.Example ",
        "phone": "050 555 1234",
        "trade_licence_number": "TL-99123",
        "community": community.pk,
        "email": "Faisal@DesertStar.example",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return {**data, **overrides}


# --- registration -----------------------------------------------------------------------------


def test_a_national_number_is_stored_in_e164_and_sent_to_buzzin_so(client, community):
    response = client.post(reverse("register"), _registration(community), follow=True)
    assert response.redirect_chain[-1][0] == reverse("permits:company")
    contractor = Contractor.objects.get()
    assert (contractor.phone, contractor.email) == ("+971505551234", "info@desertstar.example")
    assert contractor.users.get().user.username == "faisal@desertstar.example"

    contractor_approve(actor=Actor.system("t"), membership=ContractorMembership.objects.get(contractor=contractor))
    body = payloads_buzzin.contractor_create_body(contractor)
    assert (body["phone"], body["email"]) == ("+971505551234", "info@desertstar.example")


@pytest.mark.parametrize("phone", ["050 555 123", "abc", "+971 12 345 6789"])
def test_an_impossible_number_is_a_form_error_and_saves_nothing(client, community, phone):
    counts = Counts(Contractor)
    response = client.post(reverse("register"), _registration(community, phone=phone))
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [
        f"“{phone}” is not a phone number that can be dialled. "
        "A mobile or landline number, e.g. 050 123 4567 or +971 50 123 4567."
    ]
    assert_says(response, f"“{phone}” is not a phone number that can be dialled.")
    assert counts.unchanged()


def test_a_national_number_is_read_in_the_chosen_communitys_country(client):
    riyadh = CommunityFactory(name="Riyadh Gardens", country="SA", time_zone="Asia/Riyadh")
    client.post(reverse("register"), _registration(riyadh, phone="050 123 4567"))
    assert Contractor.objects.get().phone == "+966501234567"


def test_a_phone_another_company_has_in_the_community_is_refused(client, community, company_a):
    counts = Counts(Contractor)
    response = client.post(reverse("register"), _registration(community, phone=company_a.phone))
    assert response.context["form"].errors["phone"] == [
        "Another company working in DAMAC Hills already has this phone number; each company needs its own."
    ]
    assert counts.unchanged()


# --- workers ------------------------------------------------------------------------------------


def _add_worker(client, permit, **fields):
    data = {f"worker-{name}": value for name, value in fields.items()}
    return client.post(reverse("permits:worker_add", args=[permit.reference]), data, follow=True)


def test_a_worker_with_id_123_and_phone_abc_is_refused_field_by_field(client_a, permit_a):
    counts = Counts(Worker)
    response = _add_worker(client_a, permit_a, name="Ali Hassan", id_number="123", phone="abc")
    errors = response.context["worker_form"].errors
    assert errors["id_number"][0].startswith("“123” is not a valid ID number. An Emirates ID (784-YYYY-NNNNNNN-C")
    assert errors["phone"][0].startswith("“abc” is not a phone number that can be dialled.")
    assert counts.unchanged()


def test_a_wrong_emirates_id_check_digit_is_refused(client_a, permit_a):
    response = _add_worker(client_a, permit_a, name="Ali Hassan", id_number="784-1990-1234567-1")
    assert response.context["worker_form"].errors["id_number"] == [
        "“784-1990-1234567-1” is not a valid Emirates ID: its last digit does not match (check the number)."
    ]


def test_a_worker_is_stored_in_one_spelling(client_a, permit_a):
    response = _add_worker(client_a, permit_a, name="Ali Hassan", id_number="784 1985 7654321 3", phone="055 123 4567")
    assert_says(response, "Worker added.")
    worker = permit_a.workers.get(name="Ali Hassan")
    assert (worker.id_number, worker.phone) == ("784-1985-7654321-3", "+971551234567")


def test_the_form_says_which_id_numbers_are_accepted(client_a, permit_a):
    page = client_a.get(reverse("permits:detail", args=[permit_a.reference]))
    assert_says(page, "An Emirates ID (784-YYYY-NNNNNNN-C, with or without dashes) or a passport number")


# --- one Emirates ID, two names -------------------------------------------------------------------


def test_an_id_under_two_names_warns_the_contractor_without_naming_another_company(
    client_a, permit_a, permit_b, community, prop, units, company_a
):
    mine = permit_a.workers.get()
    WorkerFactory(permit=permit_b, name="Omar Khan", id_number=mine.id_number)
    own_other = PermitFactory(community=community, property=prop, main_unit=units[2], contractor=company_a)
    WorkerFactory(permit=own_other, name="Sami Aziz", id_number=mine.id_number)

    page = client_a.get(reverse("permits:detail", args=[permit_a.reference]))
    assert_says(page, "The gate checks ID numbers. Please check:")
    assert_says(
        page,
        f"Emirates ID {mine.id_number} of Ravi Kumar is listed for Sami Aziz on your permit {own_other.reference}. "
        "Check the number.",
    )
    assert_says(
        page,
        f"Emirates ID {mine.id_number} of Ravi Kumar is listed under another name on another company's permit "
        "in this community. Check the number.",
    )
    content = page.content.decode()
    assert "Omar Khan" not in content and permit_b.reference not in content
    # A warning, not a refusal: the permit can still be submitted.
    client_a.post(reverse("permits:submit", args=[permit_a.reference]))
    permit_a.refresh_from_db()
    assert permit_a.status == "submitted"


def test_the_same_person_on_two_permits_is_no_warning(client_a, permit_a, community, prop, units, company_a):
    other = PermitFactory(community=community, property=prop, main_unit=units[2], contractor=company_a)
    assert other.workers.get().id_number == permit_a.workers.get().id_number  # both Ravi Kumar
    page = client_a.get(reverse("permits:detail", args=[permit_a.reference]))
    assert "The gate checks ID numbers" not in page.content.decode()


# --- vehicles -------------------------------------------------------------------------------------


def test_a_plate_in_any_spelling_is_stored_one_way(client_a, permit_a):
    for typed in ("DXB A 12345", "dxb-b-777"):
        client_a.post(reverse("permits:vehicle_add", args=[permit_a.reference]), {"vehicle-plate": typed})
    assert list(permit_a.vehicles.values_list("plate", flat=True)) == ["DXBA12345", "DXBB777"]


def test_a_plate_without_a_digit_is_a_form_error(client_a, permit_a):
    counts = Counts(Vehicle)
    response = client_a.post(reverse("permits:vehicle_add", args=[permit_a.reference]), {"vehicle-plate": "abc"})
    assert response.context["vehicle_form"].errors["plate"] == [
        "“abc” is not a valid plate: letters and digits with at least one digit, at most 25 characters."
    ]
    assert counts.unchanged()


# --- the permit form ------------------------------------------------------------------------------


def _draft(units, **overrides):
    data = {
        "main_unit": units[0].pk,
        "permit_type": "fit_out",
        "valid_from": local_input(2, 8, DUBAI),
        "valid_till": local_input(20, 18, DUBAI),
        "time_in": "08:00",
        "time_out": "17:00",
        "representative_name": "Omar Haddad",
        "representative_contact": "050 555 1234",
        "jobs_summary": "Kitchen.",
    }
    return {**data, **overrides}


def test_the_representatives_number_is_stored_in_e164(client_a, company_a, units):
    client_a.post(reverse("permits:create"), _draft(units))
    assert Permit.objects.get(contractor=company_a).representative_contact == "+971505551234"


def test_an_impossible_representative_number_is_a_form_error(client_a, units):
    counts = Counts(Permit)
    response = client_a.post(reverse("permits:create"), _draft(units, representative_contact="12"))
    assert (
        response.context["form"]
        .errors["representative_contact"][0]
        .startswith("“12” is not a phone number that can be dialled.")
    )
    assert counts.unchanged()


def test_a_two_year_permit_is_a_form_error(client_a, units, community):
    counts = Counts(Permit)
    response = client_a.post(reverse("permits:create"), _draft(units, valid_till=local_input(730, 18, DUBAI)))
    errors = response.context["form"].errors["valid_till"]
    assert errors == [f"A permit in DAMAC Hills may cover at most 90 days; {_span(2, 730)} is 729 days."]
    assert counts.unchanged()


def _span(first_in: int, last_in: int) -> str:
    today = timezone.localtime(timezone.now(), DUBAI).date()
    first, last = today + datetime.timedelta(days=first_in), today + datetime.timedelta(days=last_in)
    return f"{first:%d %b %Y} to {last:%d %b %Y}"


def test_the_checklist_gives_no_tick_to_a_two_year_permit(client_a, permit_a):
    Permit.objects.filter(pk=permit_a.pk).update(valid_till=permit_a.valid_from + datetime.timedelta(days=730))
    page = client_a.get(reverse("permits:detail", args=[permit_a.reference]))
    content = page.content.decode()
    assert '<li class="is-missing">' in content
    missing = content.split('<li class="is-missing">', 1)[1].split("</li>", 1)[0]
    assert "The validity dates" in missing
    assert_says(page, "Also to resolve:")
    assert "may cover at most 90 days" in content


def test_a_ninety_day_permit_gets_its_tick(client_a, permit_a):
    page = client_a.get(reverse("permits:detail", args=[permit_a.reference]))
    assert '<li class="is-missing">' not in page.content.decode()


# --- the NOC --------------------------------------------------------------------------------------


def _noc(issued_in_days: int):
    today = timezone.localtime(timezone.now(), DUBAI).date()
    return {
        "noc-noc_number": "NOC-7",
        "noc-issue_date": f"{today + datetime.timedelta(days=issued_in_days):%Y-%m-%d}",
        "noc-expiry_date": f"{today + datetime.timedelta(days=200):%Y-%m-%d}",
        "noc-file": pdf_upload(),
    }


def test_a_noc_issued_tomorrow_in_dubai_is_refused_today_accepted(client_a, permit_a):
    url = reverse("permits:noc_upload", args=[permit_a.reference])
    counts = Counts(NocVersion)
    response = client_a.post(url, _noc(1))
    assert response.context["noc_form"].errors["issue_date"][0].startswith("The NOC's issue date ")
    assert counts.unchanged()
    response = client_a.post(url, _noc(0), follow=True)
    assert_says(response, "NOC uploaded.")
