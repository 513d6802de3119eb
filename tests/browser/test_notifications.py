"""Notifications in a real browser, with a real worker: the manager's bell shows the submission, the
manager approves in the admin, the contractor's bell counts the approval, and opening it goes to the
permit; the worker mails it. Screenshots of the bell, the list and the preferences, both sides, two widths."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission

from contractors.choices import MembershipStatus
from permits import services
from permits.models import Permit
from portal.core.actors import Actor
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.notifications.models import Notification
from tests.factories import (
    CommunityFactory,
    ContractorUserFactory,
    MembershipFactory,
    PropertyFactory,
    StaffMembershipFactory,
    UnitFactory,
    permit_in_status,
)
from tests.stack import wait_until

from .conftest import DESKTOP, PHONE, SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's


@pytest.fixture
def submitted(db):
    """A permit of Al Noor Interiors, submitted by its foreman Omar in DAMAC Hills, and the manager."""
    community = CommunityFactory(name="DAMAC Hills", time_zone="Asia/Dubai")
    tower = PropertyFactory(community=community, name="Tower 7", external_id="DAMAC-TWR-07")
    unit = UnitFactory(property=tower, name="Unit 0712", external_id="UNIT-0712")
    contractor = MembershipFactory(
        community=community, contractor__company_name="Al Noor Interiors LLC", status=MembershipStatus.APPROVED
    ).contractor
    omar = ContractorUserFactory(
        contractor=contractor, user__username="omar@alnoor.example", user__email="omar@alnoor.example"
    ).user
    manager = StaffMembershipFactory(community=community, user__username="manager").user
    manager.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="permits", codename__endswith="_permit")
    )
    permit = permit_in_status("draft", community=community, property=tower, main_unit=unit, contractor=contractor)
    return services.permit_submit(actor=Actor.for_user(omar), permit=permit)


def bell(page) -> int:
    return int(page.locator("a.bell").first.get_attribute("data-unread"))


def watch_errors(page, errors: list) -> None:
    """A CSP violation or a missing static file shows up here."""

    def on_console(message):
        if message.type == "error":
            errors.append(f"{message.text} {message.location.get('url', '')}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))


def test_the_bell_counts_the_approval_and_opens_it(chromium, live_server, stack, worker, submitted, shoot):
    base, permit, errors = live_server.url, submitted, []
    (SCREENSHOTS / "notify").mkdir(parents=True, exist_ok=True)

    # The manager: the bell in the admin counts the submission; the list opens it.
    manager = chromium.new_context(viewport=DESKTOP).new_page()
    watch_errors(manager, errors)
    manager.goto(f"{base}/admin/login/?next=/admin/")
    manager.get_by_label("Username").fill("manager")
    manager.get_by_label("Password").fill(PASSWORD)
    manager.get_by_role("button", name="Log in").click()
    manager.wait_for_url(f"{base}/admin/")
    assert bell(manager) == 1
    shoot(manager, "notify/01-manager-admin-bell")
    manager.set_viewport_size(PHONE)
    manager.screenshot(path=str(SCREENSHOTS / "notify/01b-manager-admin-bell-phone.png"))
    manager.set_viewport_size(DESKTOP)
    manager.locator("a.bell").click()
    manager.wait_for_url(f"{base}/notifications/")
    shoot(manager, "notify/02-manager-list")
    manager.get_by_role("link", name=re.compile(f"Work permit {permit.reference} of Al Noor Interiors LLC")).click()
    manager.wait_for_url(f"{base}/admin/permits/permit/{permit.pk}/change/")
    assert bell(manager) == 0

    # The contractor: nothing unread yet.
    contractor = chromium.new_context(viewport=DESKTOP).new_page()
    watch_errors(contractor, errors)
    contractor.goto(f"{base}/accounts/login/")
    contractor.get_by_label("E-mail address or user name").fill("omar@alnoor.example")
    contractor.get_by_label("Password").fill(PASSWORD)
    contractor.get_by_role("button", name="Sign in").click()
    contractor.wait_for_url(f"{base}/permits/")
    assert bell(contractor) == 0
    assert contractor.locator("a.bell .bell__count").count() == 0

    # The manager approves; the contractor's bell counts it on the next page.
    manager.get_by_role("button", name="Approve", exact=True).click()
    manager.get_by_text(f"Approved {permit.reference}").wait_for()
    contractor.reload()
    assert bell(contractor) == 1
    assert contractor.locator("a.bell .bell__count").inner_text().startswith("1")
    shoot(contractor, "notify/03-contractor-bell")
    contractor.set_viewport_size(PHONE)
    contractor.screenshot(path=str(SCREENSHOTS / "notify/03b-contractor-bell-phone.png"))
    contractor.set_viewport_size(DESKTOP)
    contractor.locator("a.bell").click()
    contractor.wait_for_url(f"{base}/notifications/")
    entry = contractor.get_by_role("link", name=re.compile(f"Work permit {permit.reference} is approved"))
    entry.wait_for()
    shoot(contractor, "notify/04-contractor-list")
    entry.click()
    # The pass page; until Buzz-In issues the pass it sends on to the permit itself.
    contractor.wait_for_url(re.compile(rf"{re.escape(base)}/permits/{permit.reference}/(pass/)?$"))
    assert bell(contractor) == 0
    assert Notification.objects.get(recipient__username="omar@alnoor.example").read_at is not None

    # The worker mailed it after commit, once.
    row = OutboundDelivery.objects.get(subscriber="notify", event__action="permits.permit.approved")
    wait_until(
        lambda: OutboundDelivery.objects.filter(pk=row.pk, state="succeeded").exists(),
        timeout=60,
        message="the worker to mail the approval",
    )
    assert row.attempts.count() == 1

    # The preferences, both sides.
    contractor.goto(f"{base}/notifications/preferences/")
    contractor.get_by_role("group", name="Pass issued").get_by_label("No e-mail").check()
    contractor.get_by_role("button", name="Save").click()
    contractor.get_by_text("Your e-mail choices are saved.").wait_for()
    shoot(contractor, "notify/05-contractor-preferences")
    manager.goto(f"{base}/notifications/preferences/")
    manager.get_by_role("group", name="Permit submitted for approval").get_by_label("One daily digest").check()
    shoot(manager, "notify/06-manager-preferences")

    # Phone width.
    for page, who in ((contractor, "contractor"), (manager, "manager")):
        page.set_viewport_size(PHONE)
        page.goto(f"{base}/notifications/")
        shoot(page, f"notify/07-{who}-list-phone")
        page.goto(f"{base}/notifications/preferences/")
        shoot(page, f"notify/08-{who}-preferences-phone")
    contractor.goto(f"{base}/permits/{permit.reference}/")
    contractor.screenshot(path=str(SCREENSHOTS / "notify/09-contractor-bell-phone.png"))  # the header only
    manager.goto(f"{base}/admin/")
    manager.screenshot(path=str(SCREENSHOTS / "notify/10-manager-admin-bell-phone.png"))
    assert Permit.objects.get(pk=permit.pk).status in ("approved", "active")
    assert errors == []
