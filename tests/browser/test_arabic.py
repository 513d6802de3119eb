"""The contractor journey once in Arabic, in a real browser: right-to-left, Arabic words, the bilingual pass.

The contractor switches to Arabic on the sign-in page (the switcher's cookie), signs in, drafts a permit,
adds a worker, a vehicle and the NOC, and submits; the property manager's decision and the pass come
from the services. Screenshots at 1280 and 390 px wide (screenshots/ar-*.png).
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from permits.models import Permit
from permits.services import permit_approve, permit_pass_issue
from portal.core.actors import Actor
from portal.core.models import LanguagePreference
from tests.factories import (
    PDF_BYTES,
    CommunityFactory,
    ContractorUserFactory,
    MembershipFactory,
    PropertyFactory,
    StaffMembershipFactory,
    UnitFactory,
)

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
USERNAME = "omar@alnoor.example"


@pytest.fixture
def world():
    community = CommunityFactory(name="DAMAC Hills", time_zone="Asia/Dubai")
    tower = PropertyFactory(community=community, name="Tower 7", external_id="DAMAC-TWR-07")
    for number in ("0712", "0713"):
        UnitFactory(property=tower, name=f"Unit {number}", external_id=f"UNIT-{number}")
    contractor = MembershipFactory(community=community, contractor__company_name="Al Noor Interiors LLC").contractor
    ContractorUserFactory(contractor=contractor, user__username=USERNAME, user__email=USERNAME)
    manager = StaffMembershipFactory(community=community, user__username="manager").user
    manager.user_permissions.add(*Permission.objects.filter(content_type__app_label="permits"))
    LanguagePreference.objects.create(user=manager, language="ar")
    return community


def _local(community, days: int, hour: int, fmt: str = "%Y-%m-%dT%H:%M") -> str:
    day = timezone.localtime(timezone.now(), community.tzinfo) + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=0).strftime(fmt)


def assert_mirrored(page) -> None:
    """Right to left: the page says so, and the header starts on the right (the brand) and ends on the left."""
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    width = page.viewport_size["width"]
    brand = page.locator(".brand").bounding_box()
    end = page.locator(".site-header__end").bounding_box()
    assert brand["x"] + brand["width"] > width * 0.6, brand  # on the right
    if end["y"] < brand["y"] + brand["height"]:  # on one line (wide screens): the rest is to its left
        assert end["x"] < brand["x"], (end, brand)
    heading = page.locator("main h1").first.bounding_box()
    assert heading["x"] + heading["width"] > width * 0.6, heading  # headings start on the right


def _sign_in_in_arabic(page, base: str, shoot):
    page.goto(f"{base}/accounts/login/")
    assert page.evaluate("document.documentElement.dir") == "ltr"  # an English browser
    page.get_by_role("button", name="العربيّة").click()
    page.get_by_role("heading", name="تسجيل الدخول").wait_for()
    assert_mirrored(page)
    shoot(page, "ar-01-login")
    page.get_by_label("البريد الإلكتروني أو اسم المستخدم").fill(USERNAME)
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()


def _draft(page, community, shoot):
    page.get_by_role("link", name="تصريح جديد").first.click()
    page.get_by_label("الوحدة الرئيسية").select_option(label="Unit 0712 (UNIT-0712)")
    page.get_by_label("ساري من").fill(_local(community, 2, 8))
    page.get_by_label("ساري حتى").fill(_local(community, 20, 18))
    page.get_by_label("بداية العمل اليومي").fill("08:00")
    page.get_by_label("نهاية العمل اليومي").fill("17:00")
    page.get_by_label("اسم المندوب").fill("Omar Haddad")
    page.get_by_label("وسيلة التواصل مع المندوب").fill("050 123 4567")
    page.get_by_label("ملخص الأعمال").fill("Kitchen replacement.")
    shoot(page, "ar-02-draft-form")
    page.get_by_role("button", name="احفظ المسودة").click()
    page.get_by_text("أضف بعد ذلك العمال والمركبات وشهادة عدم الممانعة").wait_for()


def _people_and_noc(page, community, noc_path):
    workers = page.locator("form[action$='/workers/add/']")
    workers.get_by_label("الاسم").fill("Ravi Kumar")
    workers.get_by_label("رقم الهوية").fill("12")
    workers.get_by_role("button", name="أضف العامل").click()
    page.get_by_text("لم يُحفظ أي شيء.").first.wait_for()  # the refusal, in Arabic
    page.get_by_text("ليس رقم هوية صالحًا").wait_for()
    workers = page.locator("form[action$='/workers/add/']")
    workers.get_by_label("رقم الهوية").fill("784-1990-1234567-6")
    workers.get_by_role("button", name="أضف العامل").click()
    page.get_by_text("أُضيف العامل.").wait_for()
    vehicles = page.locator("form[action$='/vehicles/add/']")
    vehicles.get_by_label("رقم اللوحة").fill("dxb 123")
    vehicles.get_by_role("button", name="أضف المركبة").click()
    page.get_by_text("أُضيفت المركبة.").wait_for()
    noc = page.locator("form[action$='/noc/']")
    noc.get_by_label("رقم شهادة عدم الممانعة").fill("NOC-12345")
    noc.get_by_label("تاريخ الإصدار").fill(_local(community, -1, 9, "%Y-%m-%d"))
    noc.get_by_label("تاريخ الانتهاء").fill(_local(community, 90, 9, "%Y-%m-%d"))
    noc.get_by_label("مستند شهادة عدم الممانعة").set_input_files(str(noc_path))
    noc.get_by_role("button", name="ارفع شهادة عدم الممانعة").click()
    page.get_by_text("رُفعت شهادة عدم الممانعة.").wait_for()


def test_the_contractor_journey_in_arabic(chromium, live_server, world, shoot, tmp_path):
    base = live_server.url
    noc_path = tmp_path / "noc.pdf"
    noc_path.write_bytes(PDF_BYTES)
    context = chromium.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    errors = []  # a CSP violation or a missing static file shows up here
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    _sign_in_in_arabic(page, base, shoot)
    page.wait_for_url(f"{base}/permits/")
    assert_mirrored(page)
    _draft(page, world, shoot)
    _people_and_noc(page, world, noc_path)
    assert page.locator(".checklist .is-missing").count() == 0
    # The plate reads left to right inside the right-to-left page.
    assert page.locator("#vehicles bdi[dir=ltr]").first.inner_text() == "DXB123"
    shoot(page, "ar-03-permit")
    page.get_by_role("button", name="قدّم للاعتماد").click()
    page.get_by_text("قُدّم التصريح.").wait_for()
    assert_mirrored(page)

    permit = Permit.objects.get()
    actor = Actor.system("browser test")
    permit_approve(actor=actor, permit=permit)
    permit_pass_issue(actor=actor, permit=permit, pass_number="WP-000001", access_code="7H2KQ9ZTM4XB1RPA8VC0DLEN")

    page.goto(f"{base}/permits/")
    page.get_by_text("يبدأ في").first.wait_for()  # active, first day still to come: "Starts on …"
    shoot(page, "ar-04-permit-list")
    page.goto(f"{base}/permits/{permit.reference}/pass/")
    # Bilingual whatever the viewer's language: the labels in both, English on the left, Arabic on the right.
    english, arabic = page.locator(".pass__code-label .both__en"), page.locator(".pass__code-label .both__ar")
    assert english.inner_text() == "Access code" and arabic.inner_text() == "رمز الدخول"
    assert english.bounding_box()["x"] < arabic.bounding_box()["x"]
    assert page.get_by_text("7H2KQ9ZTM4XB1RPA8VC0DLEN").is_visible()
    shoot(page, "ar-05-pass")

    page.set_viewport_size(PHONE)
    shoot(page, "ar-06-pass-phone")
    page.goto(f"{base}/permits/{permit.reference}/")
    assert_mirrored(page)
    shoot(page, "ar-07-permit-phone")
    page.goto(f"{base}/permits/")
    assert_mirrored(page)
    shoot(page, "ar-08-list-phone")
    page.goto(f"{base}/company/")
    shoot(page, "ar-09-company-phone")
    assert errors == []
    context.close()


def test_the_admin_in_arabic(chromium, live_server, world, shoot):
    """The property manager who chose Arabic reads Django's admin in Arabic, right to left, with the switcher."""
    context = chromium.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.locator("#dashboard-scan-flags").wait_for()  # the gate-scan panels, fetched into their place
    shoot(page, "ar-10-admin")
    # Right to left, nothing of the dashboard is pushed past the window's edge (where it would be cut off).
    outside = page.evaluate(
        """Array.from(document.querySelectorAll('#dashboard, #dashboard *')).filter(e => {
            const box = e.getBoundingClientRect();
            return box.width > 0 && (box.left < -1 || box.right > document.documentElement.clientWidth + 1);
        }).map(e => e.tagName + '#' + e.id)"""
    )
    assert outside == []
    page.get_by_role("button", name="English").wait_for()
    assert page.get_by_role("link", name="إدارة بوابة التصاريح").is_visible()
    page.goto(f"{live_server.url}/admin/permits/permit/")
    shoot(page, "ar-11-admin-permits")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/admin/")
    page.locator("#dashboard-scan-flags").wait_for()
    shoot(page, "ar-12-admin-phone")
    context.close()
