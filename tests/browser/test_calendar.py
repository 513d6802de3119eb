"""The permit calendar in a real browser: the manager's month and week views (admin), a bar opens the
permit with its clashes, the contractor's own calendar; no CSP violation; screenshots at two widths."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission

from contractors.choices import MembershipStatus
from permits.models import ClashSettings, PropertyCapacity
from portal.core.local_time import local_today
from tests.factories import (
    CommunityFactory,
    ContractorUserFactory,
    MembershipFactory,
    PropertyFactory,
    StaffMembershipFactory,
    UnitFactory,
    permit_in_status,
)

from .conftest import DESKTOP, PHONE, SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
SHOTS = SCREENSHOTS / "calendar"


@pytest.fixture
def tower(db):
    """DAMAC Hills, Tower 7: two companies' permits over this month and the next, a capacity of one fit-out."""
    community = CommunityFactory(name="DAMAC Hills", time_zone="Asia/Dubai")
    tower = PropertyFactory(community=community, name="Tower 7", external_id="DAMAC-TWR-07")
    units = {
        n: UnitFactory(property=tower, name=f"Unit {n}", external_id=f"UNIT-{n}")
        for n in ("0711", "0712", "0713", "0812")
    }
    alnoor = MembershipFactory(
        community=community, contractor__company_name="Al Noor Interiors LLC", status=MembershipStatus.APPROVED
    ).contractor
    other = MembershipFactory(
        community=community, contractor__company_name="Gulf Movers LLC", status=MembershipStatus.APPROVED
    ).contractor
    ContractorUserFactory(contractor=alnoor, user__username="omar@alnoor.example")
    manager = StaffMembershipFactory(community=community, user__username="manager").user
    suffixes = ("_permit", "_clashsettings", "_exclusivetypepair", "_propertycapacity")
    manager.user_permissions.add(
        *[p for p in Permission.objects.filter(content_type__app_label="permits") if p.codename.endswith(suffixes)]
    )
    settings = ClashSettings.objects.create(community=community, warn_adjacent_units=True)
    PropertyCapacity.objects.create(settings=settings, property=tower, permit_type="fit_out", max_per_day=1)

    tz = community.tzinfo
    today = local_today(tz)

    def at(days: int, hour: int) -> datetime.datetime:
        return datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(hour), tzinfo=tz)

    common = {"community": community, "property": tower}
    plan = [
        ("active", alnoor, "0711", "fit_out", 0, 6),
        ("approved", other, "0713", "move_in", 1, 2),
        ("submitted", alnoor, "0712", "maintenance", 2, 9),
        ("changes_requested", other, "0812", "maintenance", 4, 12),
        ("submitted", other, "0812", "fit_out", 3, 5),  # over the tower's one fit-out a day
    ]
    permits = [
        permit_in_status(
            status,
            contractor=company,
            main_unit=units[unit],
            permit_type=kind,
            valid_from=at(start, 7),
            valid_till=at(end, 18),
            **common,
        )
        for status, company, unit, kind, start, end in plan
    ]
    draft = permit_in_status(
        "draft",
        contractor=alnoor,
        main_unit=units["0712"],
        permit_type="fit_out",
        valid_from=at(1, 7),
        valid_till=at(3, 18),
        **common,
    )
    return {
        "community": community,
        "permits": permits,
        "today": today,
        "manager": manager,
        "settings": settings,
        "draft": draft,
    }


def watch_errors(page, errors: list) -> None:
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))


def both_widths(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_manager_and_contractor_calendars(chromium, live_server, tower):
    base, errors = live_server.url, []
    fit_out, approved, submitted, changes, over = tower["permits"]

    manager = chromium.new_context(viewport=DESKTOP).new_page()
    watch_errors(manager, errors)
    manager.goto(f"{base}/admin/login/?next=/admin/permits/permit/calendar/")
    manager.get_by_label("Username").fill("manager")
    manager.get_by_label("Password").fill(PASSWORD)
    manager.get_by_role("button", name="Log in").click()
    manager.wait_for_url(f"{base}/admin/permits/permit/calendar/")
    for permit in tower["permits"]:
        assert manager.locator(f".cal-bar.status-badge--{permit.status} a", has_text=permit.reference).count() >= 1
    assert manager.locator(".cal__date.is-today").count() == 1
    both_widths(manager, "01-manager-month")

    manager.get_by_label("View").select_option("week")
    manager.get_by_role("button", name="Show").click()
    manager.locator(".cal--week").wait_for()
    both_widths(manager, "02-manager-week")

    # Over capacity: the bar opens the permit, whose page lists the clash with a link to the other one.
    manager.goto(f"{base}/admin/permits/permit/calendar/?date={tower['today'] + datetime.timedelta(days=3):%Y-%m-%d}")
    manager.locator(".cal-bar a", has_text=over.reference).first.click()
    manager.wait_for_url(f"{base}/admin/permits/permit/{over.pk}/change/")
    panel = manager.locator("#clashes")
    panel.get_by_text("Building capacity").wait_for()
    assert panel.get_by_role("link", name=fit_out.reference).count() == 1
    assert panel.get_by_role("link", name="Approve over capacity…").count() == 1
    panel.scroll_into_view_if_needed()
    both_widths(manager, "03-manager-permit-clashes")

    # The clash settings of the community, as the manager edits them.
    manager.goto(f"{base}/admin/permits/clashsettings/{tower['settings'].pk}/change/")
    manager.get_by_role("heading", name="Types that exclude each other in a unit").wait_for()
    both_widths(manager, "05-manager-clash-settings")

    # The contractor sees its own company's permits only, and subscribes.
    contractor = chromium.new_context(viewport=DESKTOP).new_page()
    watch_errors(contractor, errors)
    contractor.goto(f"{base}/accounts/login/")
    contractor.get_by_label("E-mail address or user name").fill("omar@alnoor.example")
    contractor.get_by_label("Password").fill(PASSWORD)
    contractor.get_by_role("button", name="Sign in").click()
    contractor.wait_for_url(f"{base}/permits/")
    contractor.get_by_role("link", name="Calendar").click()
    contractor.wait_for_url(f"{base}/permits/calendar/")
    contractor.get_by_role("button", name="Create a private address").click()
    contractor.locator("#feed-url").wait_for()
    for mine in (fit_out, submitted):
        assert contractor.locator(".cal-bar a", has_text=mine.reference).count() >= 1
    for theirs in (approved, changes, over):
        assert contractor.locator(".cal-bar a", has_text=theirs.reference).count() == 0
    assert contractor.locator("#feed-url").input_value().endswith(".ics")
    both_widths(contractor, "04-contractor-month")
    address = contractor.locator("#feed-url").input_value()
    contractor.reload()  # shown once: afterwards only its first characters, to recognise it
    contractor.locator("#feed").get_by_text("is in use").wait_for()
    assert contractor.locator("#feed-url").count() == 0 and address not in contractor.content()
    contractor.locator("#feed").scroll_into_view_if_needed()
    both_widths(contractor, "04b-contractor-feed-in-use")

    # Before submitting: the checklist warns of the full tower and of the work next door.
    contractor.goto(f"{base}/permits/{tower['draft'].reference}/")
    warnings = contractor.locator("#clash-warnings")
    warnings.get_by_text("At most 1 Fit-out permits a day").wait_for()
    assert warnings.get_by_text("Unit UNIT-0711, next to UNIT-0712").count() == 1
    warnings.scroll_into_view_if_needed()
    both_widths(contractor, "06-contractor-checklist-warnings")

    assert not errors, errors
