"""The refused-push repair path in a real browser (#16): Buzz-In refuses the company's phone; the manager
approves a permit and is told no pass can come yet; both the manager and the contractor see "Needs
attention" with the reason and who must act; the contractor corrects the phone on the company page; the
worker sends everything again, Buzz-In issues the pass, the contractor sees it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from contractors.choices import MembershipStatus
from contractors.models import Contractor, ContractorMembership
from contractors.services import contractor_approve
from permits import services
from permits.choices import ParkingState
from permits.models import Permit, Vehicle
from portal.core.actors import Actor
from tests.factories import (
    CommunityFactory,
    ContractorUserFactory,
    MembershipFactory,
    PermitFactory,
    PropertyFactory,
    StaffMembershipFactory,
    UnitFactory,
    VehicleFactory,
    permit_in_status,
    set_buzzin_key,
    staff_groups_restored,
)
from tests.stack import wait_until

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
REFUSAL = "phone must be in E.164 format"
SHOTS = Path("/work/shots/deadends")


@pytest.fixture
def world():
    community = CommunityFactory(name="DAMAC Hills", time_zone="Asia/Dubai")
    tower = PropertyFactory(community=community, name="Tower 7", external_id="DAMAC-TWR-07")
    unit = UnitFactory(property=tower, name="Unit 0712", external_id="UNIT-0712")
    membership = MembershipFactory(
        community=community, contractor__company_name="Al Noor Interiors LLC", status=MembershipStatus.PENDING
    )
    # A row from before phones were checked at the door: Buzz-In refuses it.
    Contractor.objects.filter(pk=membership.contractor_id).update(phone="050 555 1234")
    ContractorUserFactory(
        contractor=membership.contractor, user__username="omar@alnoor.example", user__email="omar@alnoor.example"
    )
    manager = StaffMembershipFactory(community=community, user__username="manager", user__is_staff=True).user
    staff_groups_restored()  # a transactional test before this one flushed them
    manager.groups.add(Group.objects.get(name="Property managers"))
    return {
        "community": community,
        "membership": membership,
        "place": {"community": community, "property": tower, "main_unit": unit, "contractor": membership.contractor},
    }


@pytest.fixture
def snap(shoot):
    """The suite's screenshots, and a copy for the branch's review."""

    def snap(page, name: str) -> None:
        path = shoot(page, f"repair-{name}")
        if SHOTS.parent.exists():
            SHOTS.mkdir(exist_ok=True)
            shutil.copy(path, SHOTS / path.name)

    return snap


def _sign_in_admin(page, base: str, next_url: str):
    page.goto(f"{base}/admin/login/?next={next_url}")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _sign_in_contractor(page, base: str):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address or user name").fill("omar@alnoor.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/permits/")


def test_a_refused_company_is_repaired_through_the_page(chromium, live_server, world, stack, worker, snap):
    base, membership = live_server.url, world["membership"]
    set_buzzin_key(world["community"], "browser-repair-key")
    stack.sync_catalogue()
    contractor_approve(actor=Actor.system("browser test"), membership=membership)
    permit = permit_in_status("submitted", **world["place"])
    wait_until(
        lambda: ContractorMembership.objects.filter(pk=membership.pk, attention_since__isnull=False).exists(),
        message="Buzz-In to refuse the company",
    )

    errors = []
    manager = chromium.new_context(viewport=DESKTOP).new_page()
    manager.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    _sign_in_admin(manager, base, "/admin/")
    manager.locator("#queue-attention").get_by_text("Al Noor Interiors LLC").wait_for()
    assert manager.locator("#nav-queue-attention .work-queue-nav__count").inner_text() == "1"
    assert manager.locator("#nav-queue-decision .work-queue-nav__count").inner_text() == "1"
    snap(manager, "01-manager-dashboard-queues")
    manager.set_viewport_size(PHONE)
    snap(manager, "01b-manager-dashboard-phone")
    manager.set_viewport_size(DESKTOP)

    manager.goto(f"{base}/admin/permits/permit/{permit.pk}/change/")
    manager.get_by_role("button", name="Approve", exact=True).click()
    manager.get_by_text("the gate system does not know Al Noor Interiors LLC yet").wait_for()
    assert manager.locator("#needs-attention").get_by_text(REFUSAL).is_visible()
    snap(manager, "02-manager-approves-told-no-pass-yet")

    contractor_context = chromium.new_context(viewport=DESKTOP)
    contractor = contractor_context.new_page()
    contractor.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    _sign_in_contractor(contractor, base)
    contractor.goto(f"{base}/permits/{permit.reference}/")
    attention = contractor.locator("#needs-attention")
    attention.get_by_text(REFUSAL).wait_for()
    assert attention.get_by_text("What you must do").is_visible()
    snap(contractor, "03-contractor-permit-needs-attention")
    contractor.goto(f"{base}/permits/{permit.reference}/pass/")
    contractor.locator("#needs-attention").wait_for()
    snap(contractor, "04-contractor-pass-page-says-why")

    contractor.goto(f"{base}/permits/{permit.reference}/")
    contractor.get_by_role("link", name="Correct the company's details").click()
    contact = contractor.locator("#contact")
    contact.get_by_label("Phone").fill("12")
    contact.get_by_role("button", name="Save contact details").click()
    contractor.locator("#contact .field--error").first.wait_for()
    snap(contractor, "05-contractor-impossible-phone-refused")
    contact = contractor.locator("#contact")
    contact.get_by_label("Phone").fill("050 555 1234")
    contact.get_by_role("button", name="Save contact details").click()
    contractor.get_by_text("Contact details saved.").wait_for()
    assert contractor.locator("#contact").get_by_label("Phone").input_value() == "+971505551234"
    snap(contractor, "06-contractor-details-saved")

    permit = wait_until(
        lambda: Permit.objects.filter(pk=permit.pk, status="active").first(), timeout=90, message="the pass"
    )
    assert not ContractorMembership.objects.get(pk=membership.pk).attention_since
    contractor.goto(f"{base}/permits/{permit.reference}/")
    assert contractor.locator("#needs-attention").count() == 0
    snap(contractor, "07-contractor-permit-repaired")
    contractor.goto(f"{base}/permits/{permit.reference}/pass/")
    contractor.get_by_text(permit.access_code).wait_for()
    snap(contractor, "08-contractor-pass")
    contractor.set_viewport_size(PHONE)
    snap(contractor, "08b-contractor-pass-phone")

    manager.goto(f"{base}/admin/")
    assert manager.locator("#nav-queue-attention .work-queue-nav__count").inner_text() == "0"
    snap(manager, "09-manager-dashboard-empty-queues")
    assert errors == []
    contractor_context.close()


def test_a_refused_vehicle_is_corrected_on_the_permit_page(chromium, live_server, world, stack, worker, snap):
    """The gates refuse a permit for a blank plate (a row from before plates were checked): the permit needs
    attention on both sides, the contractor corrects the plate on the permit page, the permit goes again,
    its pass is issued, the vehicle is parked at OPS-COM and the flag goes."""
    base, membership, actor = live_server.url, world["membership"], Actor.system("browser test")
    Contractor.objects.filter(pk=membership.contractor_id).update(phone="+971505551234")
    set_buzzin_key(world["community"], "browser-vehicle-key")
    stack.sync_catalogue()
    contractor_approve(actor=actor, membership=membership)
    permit = PermitFactory(**world["place"])
    refused = VehicleFactory(permit=permit, plate="")
    services.permit_submit(actor=actor, permit=permit)
    services.permit_approve(actor=actor, permit=permit)
    wait_until(
        lambda: Permit.objects.filter(pk=permit.pk, attention_since__isnull=False).exists(),
        timeout=90,
        message="the gate system to refuse the blank plate",
    )
    assert Permit.objects.get(pk=permit.pk).attention_by == "permit"

    errors = []
    manager = chromium.new_context(viewport=DESKTOP).new_page()
    manager.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    _sign_in_admin(manager, base, f"/admin/permits/permit/{permit.pk}/change/")
    manager.locator("#needs-attention").get_by_text("vehicles[0].plate is required").wait_for()
    snap(manager, "10-manager-vehicle-refused")

    contractor = chromium.new_context(viewport=DESKTOP).new_page()
    contractor.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    _sign_in_contractor(contractor, base)
    contractor.goto(f"{base}/permits/{permit.reference}/")
    contractor.locator("#needs-attention").get_by_text("vehicles[0].plate is required").wait_for()
    snap(contractor, "11-contractor-vehicle-refused")
    contractor.set_viewport_size(PHONE)
    snap(contractor, "11b-contractor-vehicle-refused-phone")
    contractor.locator("button.language-switch__button[lang=ar]").click()
    contractor.locator("html[dir=rtl] #needs-attention").wait_for()
    snap(contractor, "11c-contractor-vehicle-refused-phone-ar")
    contractor.set_viewport_size(DESKTOP)
    snap(contractor, "11d-contractor-vehicle-refused-ar")
    contractor.locator("button.language-switch__button[lang=en]").click()
    contractor.locator("html[dir=ltr] #needs-attention").wait_for()

    contractor.get_by_role("link", name="Correct the vehicle").click()
    contractor.locator(f"#id_plate-{refused.pk}-plate").fill("DXB-A-12345")
    contractor.locator(f"#id_plate-{refused.pk}-plate").press("Enter")
    wait_until(
        lambda: Vehicle.objects.filter(pk=refused.pk, parking_state=ParkingState.ACTIVE).exists(),
        timeout=90,
        message="the permit sent again, its pass issued and the corrected plate parked",
    )
    permit.refresh_from_db()
    assert permit.status == "active" and permit.attention_since is None
    contractor.goto(f"{base}/permits/{permit.reference}/")
    assert contractor.locator("#needs-attention").count() == 0
    snap(contractor, "12-contractor-vehicle-corrected")
    assert "DXBA12345" in {p["plate"] for p in stack.opscom_state()["permits"].values()}
    assert errors == []
