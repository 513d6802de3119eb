"""The bell on every page, the list (newest first, one's own only), opening one, and the preferences page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from permits import services
from portal.core.actors import Actor
from portal.integrations.notifications.kinds import CONTRACTOR, kinds_for
from portal.integrations.notifications.models import EmailPreference, Notification
from tests.factories import permit_in_status

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bell_count(html: str) -> int:
    """The number on the bell (0 when it shows none)."""
    match = re.search(r'class="bell[^"]*"[^>]*data-unread="(\d+)"', html)
    assert match, "no bell on the page"
    return int(match.group(1))


@pytest.fixture
def decided(site):
    """Two decisions the company hears of: an approval, then a rejection."""
    manager = Actor.for_user(site.managers[0])
    approved = permit_in_status("submitted", community=site.community, contractor=site.contractor)
    services.permit_approve(actor=manager, permit=approved)
    rejected = permit_in_status("submitted", community=site.community, contractor=site.contractor)
    services.permit_reject(actor=manager, permit=rejected, reason="Unit under dispute.")
    return approved, rejected


def test_the_bell_counts_unread_items_on_contractor_pages(site, decided):
    ali = client_of(site.users[0])
    for url in ("/permits/", "/company/", "/notifications/", f"/permits/{decided[0].reference}/"):
        assert bell_count(ali.get(url).content.decode()) == 2, url
    assert bell_count(client_of(site.other_company_user).get("/permits/").content.decode()) == 0


def test_the_bell_is_in_the_admin_too(site, decided):
    html = client_of(site.managers[0]).get("/admin/").content.decode()
    assert bell_count(html) == 2  # the two submissions
    assert 'href="/notifications/"' in html


def test_the_list_shows_ones_own_newest_first(site, decided):
    approved, rejected = decided
    html = client_of(site.users[0]).get("/notifications/").content.decode()
    rejection = html.index(f"Work permit {rejected.reference} was rejected")
    approval = html.index(f"Work permit {approved.reference} is approved")
    assert rejection < approval
    assert "Unit under dispute." in html
    assert "2 unread notifications." in html
    other = client_of(site.other_company_user).get("/notifications/").content.decode()
    assert approved.reference not in other and rejected.reference not in other


def test_opening_one_marks_it_read_and_goes_to_its_page(site, decided):
    approved, _ = decided
    ali = client_of(site.users[0])
    notification = Notification.objects.get(recipient=site.users[0], kind="permit_approved")
    response = ali.get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/permits/{approved.reference}/pass/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert bell_count(ali.get("/permits/").content.decode()) == 1
    assert Notification.objects.get(recipient=site.users[1], kind="permit_approved").read_at is None  # bea's own


def test_a_manager_opening_one_goes_to_the_admin_page(site, decided):
    notification = Notification.objects.filter(recipient=site.managers[0]).first()
    response = client_of(site.managers[0]).get(f"/notifications/{notification.pk}/")
    assert response["Location"] == f"/admin/permits/permit/{notification.data['permit']}/change/"


def test_nobody_opens_or_marks_anothers_notification(site, decided):
    theirs = Notification.objects.get(recipient=site.users[1], kind="permit_approved")
    for intruder in (site.users[0], site.other_company_user, site.managers[0], site.operator):
        assert client_of(intruder).get(f"/notifications/{theirs.pk}/").status_code == 404
    client_of(site.users[0]).post("/notifications/read-all/")
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert not Notification.objects.filter(recipient=site.users[0], read_at__isnull=True).exists()


def test_mark_all_read_wants_a_post(site, decided):
    assert client_of(site.users[0]).get("/notifications/read-all/").status_code == 405


def test_the_pages_want_a_signed_in_person(db):
    for url in ("/notifications/", "/notifications/1/", "/notifications/preferences/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_staff_see_the_list_in_the_admin_frame(site, decided):
    html = client_of(site.managers[0]).get("/notifications/").content.decode()
    assert 'id="user-tools"' in html
    assert "waits for approval" in html


def test_the_preferences_page_offers_ones_own_kinds_and_saves(site):
    ali = client_of(site.users[0])
    html = ali.get("/notifications/preferences/").content.decode()
    assert "Permit approved" in html and "Permit submitted for approval" not in html
    assert "Gate or parking system refused a permit" in html
    assert "Approval deadline close" not in html  # waits for its event (#21)
    choices = {kind.slug: "each" for kind in kinds_for({CONTRACTOR})} | {"permit_approved": "none"}
    response = ali.post("/notifications/preferences/", choices)
    assert response.status_code == 302
    assert EmailPreference.objects.get(user=site.users[0], kind="permit_approved").choice == "none"

    manager_html = client_of(site.managers[0]).get("/notifications/preferences/").content.decode()
    assert "Permit submitted for approval" in manager_html and "One daily digest" in manager_html
    assert "Permit approved" not in manager_html


@pytest.mark.parametrize("data", [{"permit_approved": "digest"}, {"permit_approved": "<script>"}, {}])
def test_a_bad_choice_is_a_form_error_not_a_500(site, data):
    response = client_of(site.users[0]).post("/notifications/preferences/", data)
    assert response.status_code == 200
    assert not EmailPreference.objects.exists()


def test_a_long_list_comes_in_pages(site):
    for number in range(30):
        Notification.objects.create(
            recipient=site.users[0],
            kind="company_approved",
            key=f"k{number}",
            email="none",
            data={"company": "Al Noor LLC", "community_name": f"Place {number:02d}"},
        )
    ali = client_of(site.users[0])
    first = ali.get("/notifications/").content.decode()
    assert "Page 1 of 2" in first and "Place 29" in first and "Place 04" not in first
    second = ali.get("/notifications/?page=2").content.decode()
    assert "Place 04" in second and "Place 29" not in second
    assert ali.get("/notifications/?page=nonsense").status_code == 200
