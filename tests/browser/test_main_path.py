"""The main path in a real browser: draft, people, NOC, submit; approve in the admin; see the pass."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from contractors.choices import MembershipStatus
from contractors.models import ContractorMembership
from contractors.services import contractor_approve
from permits.models import Permit
from portal.core.actors import Actor
from portal.core.models import AuditEvent
from portal.integrations.buzzin.models import BuzzinContractorState
from portal.integrations.buzzin.records import membership_buzzin_state
from tests.factories import (
    PDF_BYTES,
    CommunityFactory,
    ContractorUserFactory,
    MembershipFactory,
    PropertyFactory,
    StaffMembershipFactory,
    UnitFactory,
    set_buzzin_key,
)
from tests.stack import wait_until

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's


@pytest.fixture
def world():
    community = CommunityFactory(name="DAMAC Hills", time_zone="Asia/Dubai")
    tower = PropertyFactory(community=community, name="Tower 7", external_id="DAMAC-TWR-07")
    for number in ("0712", "0713"):
        UnitFactory(property=tower, name=f"Unit {number}", external_id=f"UNIT-{number}")
    membership = MembershipFactory(
        community=community, contractor__company_name="Al Noor Interiors LLC", status=MembershipStatus.PENDING
    )
    contractor = membership.contractor
    ContractorUserFactory(
        contractor=contractor, user__username="omar@alnoor.example", user__email="omar@alnoor.example"
    )
    manager = StaffMembershipFactory(community=community, user__username="manager").user
    manager.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="permits", codename__endswith="_permit")
    )
    return community


def _contractor_approved_everywhere(stack, community) -> None:
    """The property manager approves the company; Buzz-In (the sandbox) approves it too and says so by webhook."""
    set_buzzin_key(community, "browser-test-key")
    stack.sync_catalogue()
    membership = ContractorMembership.objects.get(community=community)
    contractor_approve(actor=Actor.system("browser test"), membership=membership)
    wait_until(
        lambda: membership_buzzin_state(membership.pk) == BuzzinContractorState.APPROVED,
        message="Buzz-In to approve the contractor",
    )


def _local(community, days: int, hour: int, fmt: str = "%Y-%m-%dT%H:%M") -> str:
    day = timezone.localtime(timezone.now(), community.tzinfo) + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=0).strftime(fmt)


def _sign_in(page, base: str, username: str, shoot=None):
    page.goto(f"{base}/accounts/login/")
    if shoot:
        shoot(page, "01-login")
    page.get_by_label("E-mail address or user name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _draft_permit(page, community, shoot):
    page.get_by_role("link", name="New permit").first.click()
    page.get_by_label("Main unit").select_option(label="Unit 0712 (UNIT-0712)")
    page.get_by_label("Unit 0713 (UNIT-0713)").check()
    page.get_by_label("Valid from").fill(_local(community, 2, 8))
    page.get_by_label("Valid till").fill(_local(community, 20, 18))
    page.get_by_label("Daily start").fill("08:00")
    page.get_by_label("Daily end").fill("17:00")
    page.get_by_label("Representative's name").fill("Omar Haddad")
    page.get_by_label("Representative's contact").fill("+971501234567")
    page.get_by_label("Jobs summary").fill("Kitchen replacement.")
    shoot(page, "03-draft-form")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("saved. Add workers, vehicles and the NOC next.").wait_for()


def _noc_refused_then_kept(page, community, exe_path, shoot):
    """A disguised executable is refused with the rule's sentence; what was typed stays."""
    noc = page.locator("form[action$='/noc/']")
    noc.get_by_label("NOC number").fill("NOC-12345")
    noc.get_by_label("Issue date").fill(_local(community, -1, 9, "%Y-%m-%d"))
    noc.get_by_label("Expiry date").fill(_local(community, 90, 9, "%Y-%m-%d"))
    noc.get_by_label("NOC document").set_input_files(str(exe_path))
    noc.get_by_role("button", name="Upload NOC").click()
    page.get_by_text("Only PDF, PNG and JPEG files are accepted").wait_for()
    assert page.locator("form[action$='/noc/']").get_by_label("NOC number").input_value() == "NOC-12345"
    shoot(page, "04b-noc-refused")


def _add_people(page):
    workers = page.locator("form[action$='/workers/add/']")
    workers.get_by_label("Name").fill("Ravi Kumar")
    workers.get_by_label("ID number").fill("784-1990-1234567-6")
    workers.get_by_role("button", name="Add worker").click()
    page.get_by_text("Worker added.").wait_for()
    vehicles = page.locator("form[action$='/vehicles/add/']")
    vehicles.get_by_label("Plate").fill("dxb 123")
    vehicles.get_by_role("button", name="Add vehicle").click()
    page.locator("#vehicles").get_by_role("rowheader", name="DXB123").wait_for()


def _upload_noc_again(page, noc_path):
    """After the refusal only the file is chosen again: the other fields kept their values."""
    noc = page.locator("form[action$='/noc/']")
    noc.get_by_label("NOC document").set_input_files(str(noc_path))
    noc.get_by_role("button", name="Upload NOC").click()
    page.get_by_text("NOC uploaded.").wait_for()


def _approve_in_admin(page, base: str, permit: Permit):
    """The property manager signs in to the admin and presses the permit page's "Approve" button."""
    page.goto(f"{base}/admin/login/?next=/admin/permits/permit/{permit.pk}/change/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Approve", exact=True).click()
    page.get_by_text(f"Approved {permit.reference}").wait_for()


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_contractor_drafts_submits_and_gets_the_pass(chromium, live_server, world, stack, worker, shoot, tmp_path):
    base = live_server.url
    _contractor_approved_everywhere(stack, world)
    noc_path = tmp_path / "noc.pdf"
    noc_path.write_bytes(PDF_BYTES)

    contractor = chromium.new_context(viewport=DESKTOP)
    page = contractor.new_page()
    errors = []  # a CSP violation or a missing static file shows up here
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, base, "omar@alnoor.example", shoot)
    page.wait_for_url(f"{base}/permits/")
    _draft_permit(page, world, shoot)
    _add_people(page)
    exe_path = tmp_path / "noc-really-an-exe.pdf"
    exe_path.write_bytes(b"MZ\x90\x00" + bytes(512))
    _noc_refused_then_kept(page, world, exe_path, shoot)
    _upload_noc_again(page, noc_path)
    assert page.locator(".checklist .is-missing").count() == 0
    shoot(page, "04-permit-with-checklist")
    page.get_by_role("button", name="Submit for approval").click()
    page.get_by_text("Submitted. The property manager will review it").wait_for()
    permit = Permit.objects.get()
    assert permit.status == "submitted"
    assert list(permit.vehicles.values_list("plate", flat=True)) == ["DXB123"]
    page.goto(f"{base}/permits/")
    shoot(page, "02-permit-list")

    manager = chromium.new_context(viewport=DESKTOP)
    _approve_in_admin(manager.new_page(), base, permit)
    permit.refresh_from_db()
    assert permit.status in ("approved", "active")  # the pass may already be back: the worker is quick
    assert AuditEvent.objects.get(action="permits.permit.approved").actor_label == "manager"

    # The worker pushes the permit to the Buzz-In sandbox, which accepts it and sends the signed
    # passes.permits.issued webhook back to the live portal.
    permit = wait_until(
        lambda: Permit.objects.filter(pk=permit.pk, status="active").first(), timeout=60, message="the pass"
    )
    remote = next(p for p in stack.buzzin_state()["permits"] if p["salesforcePermitId"] == permit.reference)
    assert permit.access_code == remote["accessCode"]

    page.goto(f"{base}/permits/{permit.reference}/pass/")
    qr = page.get_by_role("img", name=re.compile("QR code of permit"))
    qr.wait_for()
    page.wait_for_function("img => img.complete", arg=qr.element_handle())
    assert qr.evaluate("img => img.naturalWidth") > 0
    assert page.get_by_text(permit.access_code).is_visible()
    shoot(page, "05-pass")
    page.emulate_media(media="print")
    assert _pdf_pages(page.pdf(prefer_css_page_size=True)) == 1
    page.emulate_media(media="screen")

    page.set_viewport_size(PHONE)
    shoot(page, "06-pass-phone")
    page.goto(f"{base}/permits/{permit.reference}/")
    shoot(page, "07-permit-phone")
    assert errors == []
    contractor.close()
    manager.close()
