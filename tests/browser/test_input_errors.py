"""The input checks as a newcomer meets them in a browser: the registration form refuses an impossible
phone, the permit form a permit longer than the community allows and a number the gate cannot call,
the workers form an ID number that is neither an Emirates ID nor a passport. Screenshots at both widths."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from contractors.models import Contractor
from tests.factories import (
    CommunityFactory,
    ContractorUserFactory,
    MembershipFactory,
    PermitFactory,
    PropertyFactory,
    UnitFactory,
    WorkerFactory,
)

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
WIDTHS = {"1280": DESKTOP, "390": PHONE}


@pytest.fixture
def community():
    community = CommunityFactory(name="DAMAC Hills", time_zone="Asia/Dubai")
    tower = PropertyFactory(community=community, name="Tower 7", external_id="DAMAC-TWR-07")
    UnitFactory(property=tower, name="Unit 0712", external_id="UNIT-0712")
    return community


def _local(community, days: int, hour: int) -> str:
    day = timezone.localtime(timezone.now(), community.tzinfo) + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_registration_refuses_an_impossible_phone_then_stores_e164(chromium, live_server, community, shoot, width):
    page = chromium.new_page(viewport=WIDTHS[width])
    page.goto(f"{live_server.url}/accounts/register/")
    page.get_by_label("Company name").fill("Desert Star Fitout LLC")
    page.get_by_label("Contact name").fill("Faisal Rahman")
    page.get_by_label("Company e-mail address").fill("info@desertstar.example")
    page.get_by_label("Phone").fill("050 555 123")
    page.get_by_label("Community you want to work in").select_option(label="DAMAC Hills")
    page.get_by_label("Your e-mail address").fill("faisal@desertstar.example")
    page.locator("#id_password1").fill("Sand-dune-42-orbit")
    page.locator("#id_password2").fill("Sand-dune-42-orbit")
    page.get_by_role("button", name="Register").click()
    page.get_by_text("“050 555 123” is not a phone number that can be dialled.").wait_for()
    assert not Contractor.objects.exists()
    shoot(page, f"validate-registration-phone-error-{width}")

    page.get_by_label("Phone").fill("050 555 1234")
    page.locator("#id_password1").fill("Sand-dune-42-orbit")
    page.locator("#id_password2").fill("Sand-dune-42-orbit")
    page.get_by_role("button", name="Register").click()
    page.get_by_text("is registered").wait_for()
    assert Contractor.objects.get().phone == "+971505551234"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_permit_form_and_the_workers_form_show_their_errors(chromium, live_server, community, shoot, width):
    contractor = MembershipFactory(community=community, contractor__company_name="Al Noor Interiors LLC").contractor
    ContractorUserFactory(contractor=contractor, user__username="omar@alnoor.example")
    page = chromium.new_page(viewport=WIDTHS[width])
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address or user name").fill("omar@alnoor.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="New permit").first.click()
    page.get_by_label("Main unit").select_option(label="Unit 0712 (UNIT-0712)")
    page.get_by_label("Valid from").fill(_local(community, 2, 8))
    page.get_by_label("Valid till").fill(_local(community, 2 + 730, 18))
    page.get_by_label("Daily start").fill("08:00")
    page.get_by_label("Daily end").fill("17:00")
    page.get_by_label("Representative's name").fill("Omar Haddad")
    page.get_by_label("Representative's contact").fill("12345")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("A permit in DAMAC Hills may cover at most 90 days").wait_for()
    page.get_by_text("“12345” is not a phone number that can be dialled.").wait_for()
    shoot(page, f"validate-permit-form-errors-{width}")

    permit = PermitFactory(community=community, property=community.properties.get(), contractor=contractor)
    WorkerFactory(permit=permit, name="Omar Khan", id_number=permit.workers.get().id_number)
    page.goto(f"{live_server.url}/permits/{permit.reference}/")
    workers = page.locator("form[action$='/workers/add/']")
    workers.get_by_label("Name").fill("Ali Hassan")
    workers.get_by_label("ID number").fill("123")
    workers.get_by_label("Phone").fill("abc")
    workers.get_by_role("button", name="Add worker").click()
    page.get_by_text("“123” is not a valid ID number.").wait_for()
    page.get_by_text("is given for both").wait_for()  # one Emirates ID under two names: a warning
    page.locator("#workers").scroll_into_view_if_needed()
    shoot(page, f"validate-worker-errors-{width}")
