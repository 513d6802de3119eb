""" "On site now": through the real webhook path (a signed POST to /webhooks/buzzin/), scoped, and polled."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from permits.choices import ScanDirection
from permits.models import GateScan
from portal.core.choices import StaffRole
from tests.factories import StaffMembershipFactory, UserFactory
from tests.webhooks import payloads

from .conftest import DAY, local, logged_in, make_manager, scan

pytestmark = pytest.mark.django_db

PAGE = "admin:permits_gatescan_on_site"
FRAGMENT = "admin:permits_gatescan_on_site_fragment"
NOON = local(DAY, 12)


def scanned(permit, at, direction, name="Ravi Kumar"):
    data = payloads.scan_data(permit, at, direction=direction, gate="North Gate", employee_name=name)
    return payloads.permit_event("passes.permits.scanned", permit, data, created_at=at)


@pytest.fixture
def manager_of_active(active_permit):
    return logged_in(make_manager("on-site-manager", active_permit.community))


@time_machine.travel(NOON, tick=False)
def test_a_worker_is_listed_after_entry_and_dropped_after_exit(deliver, active_permit, manager_of_active):
    page = reverse(PAGE)
    assert "Ravi Kumar" not in manager_of_active.get(page).content.decode()

    response = deliver(scanned(active_permit, NOON - datetime.timedelta(minutes=20), "entry"))
    assert response.status_code in (200, 202)
    assert GateScan.objects.filter(permit=active_permit).count() == 1
    content = manager_of_active.get(page).content.decode()
    assert "Ravi Kumar" in content and active_permit.reference in content
    assert active_permit.contractor.company_name in content
    assert "1 worker on site" in content

    deliver(scanned(active_permit, NOON - datetime.timedelta(minutes=5), "exit"))
    content = manager_of_active.get(reverse(FRAGMENT)).content.decode()
    assert "Ravi Kumar" not in content
    assert "Nobody is on site now." in content


@time_machine.travel(NOON, tick=False)
def test_an_entry_of_yesterday_is_not_on_site_today(active_permit, manager_of_active):
    scan(active_permit, NOON - datetime.timedelta(days=1))
    assert "Nobody is on site now." in manager_of_active.get(reverse(PAGE)).content.decode()


@time_machine.travel(NOON, tick=False)
def test_scoped_to_the_viewers_communities(permit_a, permit_b, manager_client):
    scan(permit_a, local(DAY, 9), name="Worker Alpha")
    scan(permit_b, local(DAY, 9), name="Worker Bravo")
    content = manager_client.get(reverse(PAGE)).content.decode()
    assert "Worker Alpha" in content
    assert "Worker Bravo" not in content and "Bravo" not in content


@time_machine.travel(NOON, tick=False)
def test_per_tower_counts_and_tower_choice(permit_a, manager_client, community_a, contractor_a):
    from tests.factories import PropertyFactory

    from .conftest import live_permit

    other_tower = PropertyFactory(community=community_a, name="Second Tower")
    permit = live_permit(community_a, other_tower, contractor_a, start=local(DAY, 6))
    scan(permit_a, local(DAY, 9), name="In Alpha Tower")
    scan(permit, local(DAY, 9), name="In Second Tower")
    scan(permit, local(DAY, 9, 30), name="Left Second Tower")
    scan(permit, local(DAY, 10), ScanDirection.EXIT, name="Left Second Tower")
    response = manager_client.get(reverse(FRAGMENT), {"property": other_tower.pk})
    counts = {row["tower"]: row["workers"] for row in response.context["counts"]}
    assert counts == {"Alpha Tower": 1, "Second Tower": 1}
    content = response.content.decode()
    assert "In Second Tower" in content and "In Alpha Tower" not in content and "Left Second Tower" not in content


@time_machine.travel(NOON, tick=False)
def test_security_staff_see_the_page_of_their_community(permit_a, permit_b):
    user = UserFactory(username="guard", is_staff=True)
    user.groups.add(Group.objects.get(name="Security"))
    StaffMembershipFactory(user=user, community=permit_a.community, role=StaffRole.SECURITY)
    scan(permit_a, local(DAY, 9), name="Worker Alpha")
    scan(permit_b, local(DAY, 9), name="Worker Bravo")
    client = logged_in(user)
    content = client.get(reverse(PAGE)).content.decode()
    assert "Worker Alpha" in content and "Worker Bravo" not in content
    assert client.get(reverse("admin:permits_permit_change", args=[permit_a.pk])).status_code == 200
    assert client.get(reverse("admin:permits_permit_change", args=[permit_b.pk])).status_code == 404


def test_a_user_without_the_scan_permission_is_refused(db):
    user = UserFactory(username="clerk", is_staff=True)
    client = logged_in(user)
    assert client.get(reverse(PAGE)).status_code == 403
    assert client.get(reverse(FRAGMENT)).status_code == 403


def test_the_page_polls_with_a_static_script_only(manager_client):
    response = manager_client.get(reverse(PAGE))
    content = response.content.decode()
    assert 'src="/static/portal/on-site.js"' in content
    assert f'data-fragment-url="{reverse(FRAGMENT)}"' in content
    assert "<script>" not in content and " onclick=" not in content


def test_the_security_group_reads_and_changes_nothing(db):
    group = Group.objects.get(name="Security")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert codenames == {
        ("permits", "view_permit"),
        ("permits", "view_worker"),
        ("permits", "view_vehicle"),
        ("permits", "view_gatescan"),
        ("core", "view_community"),
        ("core", "view_property"),
        ("core", "view_unit"),
    }
