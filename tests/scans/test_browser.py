"""In Chromium: "On site now" refreshes itself under the strict CSP (no reload); screenshots at 1280 and 390 px
of the page, the dashboard's scan panels and the permit page's flags, into /work/shots/scans/ (or SHOTS_DIR)."""

from __future__ import annotations

import datetime
import os
import random
from pathlib import Path

import pytest
from django.utils import timezone

from permits.admin import on_site
from portal.core.local_time import local_day_start
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE

from .conftest import live_permit, make_manager, scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/work/shots/scans"))
PASSWORD = "pass-word-123"  # tests.factories.UserFactory's
WIDTHS = {"1280": DESKTOP, "390": PHONE}


@pytest.fixture
def chromium(monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright import sync_api

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{base}/admin/")


def watch_errors(page, errors: list) -> None:
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))


def earlier_today(now: datetime.datetime, tz, *, minutes: int) -> datetime.datetime:
    """``minutes`` before ``now``, or less just after the community's midnight: "on site now" counts today's
    entries only, on the community's clock (Dubai's midnight is 20:00 UTC)."""
    since_midnight = now - local_day_start(now.astimezone(tz).date(), tz)
    return now - min(datetime.timedelta(minutes=minutes), since_midnight * minutes / 60)


@pytest.fixture
def site(community_a, property_a, contractor_a):
    """Two towers of a community in Dubai, eight weeks of scans, and two workers inside now."""
    now = timezone.now()
    start = now - datetime.timedelta(days=60)
    permit = live_permit(community_a, property_a, contractor_a, start=start, days=90)
    from tests.factories import PropertyFactory

    tower_two = PropertyFactory(community=community_a, name="Marina Tower", external_id="MARINA-TWR")
    other = live_permit(community_a, tower_two, contractor_a, start=start, days=90)
    live_permit(community_a, tower_two, contractor_a, start=start, days=90, status="approved")  # a no-show
    rng = random.Random(3)
    tz = community_a.tzinfo
    for days_ago in range(1, 56):
        day = (now - datetime.timedelta(days=days_ago)).astimezone(tz).date()
        for index in range(rng.randrange(2, 9)):
            entry = datetime.datetime(day.year, day.month, day.day, rng.randrange(7, 11), tzinfo=tz)
            scan(rng.choice([permit, other]), entry, name=f"Worker {index}")
    scan(permit, earlier_today(now, tz, minutes=50), name="Ravi Kumar")
    scan(other, earlier_today(now, tz, minutes=40), name="Ali Hassan")
    make_manager("gate-manager", community_a)
    return permit


@pytest.mark.parametrize("width", list(WIDTHS))
def test_on_site_now_refreshes_itself_and_pages_look_right(chromium, live_server, site, monkeypatch, width):
    monkeypatch.setattr(on_site, "REFRESH_SECONDS", 1)
    page = chromium.new_page(viewport=WIDTHS[width])
    errors: list = []
    watch_errors(page, errors)
    sign_in(page, live_server.url, "gate-manager")

    page.goto(f"{live_server.url}/admin/permits/gatescan/on-site/")
    page.get_by_text("2 workers on site").wait_for()
    shoot(page, f"on-site-{width}")
    # Arrives while the page is open.
    scan(site, earlier_today(timezone.now(), site.community.tzinfo, minutes=5), name="Sara Ahmed")
    page.get_by_text("3 workers on site").wait_for(timeout=10_000)
    page.get_by_text("Sara Ahmed").wait_for()

    page.goto(f"{live_server.url}/admin/")
    page.locator("#dashboard-scans:not([aria-busy]) #dashboard-scan-flags").wait_for()  # fetched into its place
    assert page.locator("#scan-flag-outside_hours strong").inner_text() != "0"
    assert page.locator("#dashboard-scans .panel-failed").count() == 0
    page.locator("#dashboard-scan-flags").scroll_into_view_if_needed()
    shoot(page, f"dashboard-{width}")
    page.locator(".scan-trend").first.screenshot(path=str(SHOTS / f"dashboard-trends-{width}.png"))

    without_script = chromium.new_page(viewport=WIDTHS[width], java_script_enabled=False)
    sign_in(without_script, live_server.url, "gate-manager")
    place = without_script.locator("#dashboard-scans")
    assert place.locator("a[href*='scan_flag=']").count() == 4  # each flag's list, a link away
    assert not place.locator(".panel-loading").is_visible() and not place.locator(".panel-failed").is_visible()
    place.scroll_into_view_if_needed()
    place.screenshot(path=str(SHOTS / f"dashboard-scans-without-script-{width}.png"))
    without_script.close()

    page.goto(f"{live_server.url}/admin/permits/permit/{site.pk}/change/")
    panel = page.locator("#permit-scan-flags")
    panel.scroll_into_view_if_needed()
    panel.get_by_text("Outside hours").wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    panel.screenshot(path=str(SHOTS / f"permit-flags-{width}.png"))
    assert errors == []
