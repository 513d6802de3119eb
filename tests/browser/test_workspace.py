"""The property manager's workspace in a real browser, on a laptop (1280×800) and a wider screen (1440).

The permit list fits its container; the permit page shows the decision buttons without scrolling; the
dashboard fits the window; no page logs a console error or a content security policy violation.
Screenshots of each page at both widths (and a phone) go to screenshots/.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tests.factories import (
    CommunityFactory,
    ContractorFactory,
    ContractorUserFactory,
    MembershipFactory,
    PermitFactory,
    PropertyFactory,
    StaffMembershipFactory,
    UnitFactory,
    UserFactory,
    permit_in_status,
)

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
LAPTOP = {"width": 1280, "height": 800}
WIDE = {"width": 1440, "height": 900}
# Every CSP violation is recorded by the page itself (the init script is the browser's, not the page's).
RECORD_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture
def workspace():
    community = CommunityFactory(name="DAMAC Hills", time_zone="Asia/Dubai")
    tower = PropertyFactory(community=community, name="Tower 7", external_id="DAMAC-TWR-07")
    long_name = ContractorFactory(company_name="Al Noor Interiors and Joinery Contracting LLC")
    MembershipFactory(community=community, contractor=long_name)
    ContractorUserFactory(contractor=long_name, user__username="omar", user__first_name="Omar")
    kwargs = {"community": community, "property": tower, "contractor": long_name}
    permits = {}
    for number, status in enumerate(["submitted", "submitted", "submitted", "approved", "active", "active"]):
        unit = UnitFactory(property=tower, name=f"Unit 08{number:02d}", external_id=f"UNIT-08{number:02d}")
        permits.setdefault(status, permit_in_status(status, main_unit=unit, **kwargs))
    PermitFactory(main_unit=UnitFactory(property=tower, external_id="UNIT-0900"), **kwargs)  # a draft
    manager = UserFactory(username="sara", first_name="Sara", is_staff=True)
    # (a transactional test flushes the groups the migrations made: the permissions directly)
    manager.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="permits", codename__endswith="_permit")
    )
    StaffMembershipFactory(user=manager, community=community)
    return permits


class Watched:
    """A signed-in manager's page whose console errors and CSP violations are collected."""

    def __init__(self, browser, base: str, viewport: dict):
        self.context = browser.new_context(viewport=viewport)
        self.context.add_init_script(RECORD_CSP)
        self.page = self.context.new_page()
        self.base, self.errors = base, []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(f"{base}/admin/login/")
        self.page.get_by_label("Username").fill("sara")
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(f"{base}/admin/")

    def open(self, path: str):
        self.page.goto(f"{self.base}{path}")
        self.page.wait_for_load_state("load")
        violations = self.page.evaluate("window.__csp")
        assert violations == [], f"CSP violations on {path}: {violations}"
        assert self.errors == [], f"console errors on {path}: {self.errors}"
        return self.page

    def fits_the_window(self) -> bool:
        return self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _table_fits(page) -> bool:
    return page.evaluate(
        "(() => { const t = document.querySelector('#result_list'), c = t.closest('.results');"
        " return t.getBoundingClientRect().width <= c.clientWidth && c.scrollWidth <= c.clientWidth; })()"
    )


def _in_first_screen(locator, height: int) -> bool:
    """Within the first ``height`` pixels of the page: seen on opening it, without scrolling."""
    top, bottom = locator.evaluate("e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; }")
    scrolled = locator.page.evaluate("window.scrollY")
    return top + scrolled >= 0 and bottom + scrolled <= height and locator.is_visible()


def test_the_workspace_fits_a_laptop(chromium, live_server, workspace, shoot):
    submitted, active = workspace["submitted"], workspace["active"]
    for viewport in (LAPTOP, WIDE):
        width, height = viewport["width"], viewport["height"]
        manager = Watched(chromium, live_server.url, viewport)

        page = manager.open("/admin/permits/permit/")
        assert page.locator("#result_list tbody tr").count() == 6  # submitted, approved, active: drafts hidden
        assert _table_fits(page), f"the permit list is wider than its container at {width} px"
        assert manager.fits_the_window()
        badge = page.locator("#result_list .status-badge--submitted").first
        assert badge.is_visible()
        assert badge.evaluate("b => getComputedStyle(b).backgroundColor") != "rgba(0, 0, 0, 0)"
        shoot(page, f"workspace-list-{width}")
        page.get_by_role("link", name="Draft", exact=True).click()
        page.get_by_text("UNIT-0900").wait_for()  # the drafts, one click away
        assert page.locator("#result_list tbody tr").count() == 1

        page = manager.open(f"/admin/permits/permit/{submitted.pk}/change/")
        shoot(page, f"workspace-permit-{width}")
        decide = page.locator("#decide")
        for name in ("Approve", "Reject…", "Request changes…"):
            button = decide.get_by_role("button" if name == "Approve" else "link", name=name, exact=True)
            assert _in_first_screen(button, height), f"{name} is not visible without scrolling at {width} px"
        assert _in_first_screen(page.locator("#decision .flags"), height)
        assert page.locator("#audit-timeline").get_by_text("Submitted", exact=True).is_visible()
        assert "permits.permit.submitted" not in page.content()
        assert manager.fits_the_window()

        page = manager.open(f"/admin/permits/permit/{active.pk}/change/")
        revoke = page.locator("#decide").get_by_role("link", name="Revoke pass…")
        assert "btn--danger" in revoke.get_attribute("class")
        revoke.click()
        page.get_by_text("This cannot be undone").wait_for()  # the confirmation page, nothing revoked yet
        manager.open(f"/admin/permits/permit/{submitted.pk}/reject/")

        page = manager.open("/admin/")
        assert manager.fits_the_window(), f"the dashboard is wider than the window at {width} px"
        shoot(page, f"workspace-dashboard-{width}")
        manager.context.close()


def test_a_decision_shows_in_recent_actions_and_in_words(chromium, live_server, workspace, shoot):
    submitted = workspace["submitted"]
    manager = Watched(chromium, live_server.url, LAPTOP)
    page = manager.open(f"/admin/permits/permit/{submitted.pk}/change/")
    page.locator("#decide").get_by_role("button", name="Approve", exact=True).click()
    page.get_by_text(f"Approved {submitted.reference}").wait_for()
    assert page.locator("#audit-timeline").get_by_text("by Sara").first.is_visible()
    page = manager.open("/admin/")
    assert page.locator("#recent-actions-module").get_by_text(str(submitted)).first.is_visible()
    manager.context.close()

    phone = Watched(chromium, live_server.url, PHONE)
    for name, path in (("list", "/admin/permits/permit/"), ("permit", f"/admin/permits/permit/{submitted.pk}/change/")):
        shoot(phone.open(path), f"workspace-{name}-390")
    phone.context.close()
