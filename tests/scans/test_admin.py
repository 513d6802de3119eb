"""The flags in the admin: dashboard counts, the permit-list filter (constant queries), the permit page panel,
and the drift raised by a scan after the end, all for the viewer's communities only."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permits.models import GateScan
from portal.integrations.models import Drift
from portal.integrations.reconciliation.kinds import DriftKind
from portal.integrations.reconciliation.repair import repair_operations
from tests.factories import VehicleFactory
from tests.webhooks import payloads

from .conftest import DAY, live_permit, local, scan

pytestmark = pytest.mark.django_db

EVENING = local(DAY, 18)  # after 17:00 + 30 minutes of grace


@time_machine.travel(EVENING, tick=False)
def test_dashboard_lists_each_flag_with_its_count_for_the_viewer(permit_a, permit_b, manager_client):
    scan(permit_a, local(DAY, 6), name="Early Alpha")  # outside hours, and still inside: overstay
    scan(permit_b, local(DAY, 6), name="Early Bravo")
    response = manager_client.get(reverse("admin:permits_gatescan_dashboard_panels"))
    flags = {item["flag"].code: item for item in response.context["dash"]["scan_flags"]}
    assert {code: item["count"] for code, item in flags.items()} == {
        "overstay": 1,
        "outside_hours": 1,
        "no_show": 0,
        "after_end": 0,
    }
    assert flags["overstay"]["examples"] == [permit_a]
    content = response.content.decode()
    assert 'id="scan-flag-overstay"' in content and "?scan_flag=overstay" in content
    assert permit_b.reference not in content


@time_machine.travel(EVENING, tick=False)
def test_index_holds_the_place_of_the_scan_panels_and_reads_no_scan(permit_a, manager_client):
    """The index answers without the flags and trends (the page fetches them into their place, with
    dashboard-panels.js); without script, each flag's list is still a link away."""
    scan(permit_a, local(DAY, 6))
    with CaptureQueriesContext(connection) as captured:
        response = manager_client.get(reverse("admin:index"))
    content = response.content.decode()
    place = content.split('id="dashboard-scans"')[1].split("</div>\n</div>")[0]
    assert f'data-panel-url="{reverse("admin:permits_gatescan_dashboard_panels")}"' in place
    assert place.count("?scan_flag=") == 4 and 'id="scan-flag-overstay"' not in content
    assert 'src="/static/portal/dashboard-panels.js"' in content
    assert not [query for query in captured if "permits_gatescan" in query["sql"]]


def test_scan_panels_fragment_needs_a_manager(permit_a, client, django_user_model):
    url = reverse("admin:permits_gatescan_dashboard_panels")
    assert client.get(url).status_code == 302  # to the admin's sign-in
    staff = django_user_model.objects.create_user("plain-staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403
    assert 'id="dashboard-scans"' not in client.get(reverse("admin:index")).content.decode()


def test_scan_panels_fragment_fills_the_place_for_whoever_sees_it(permit_a, client, django_user_model):
    """The place is on the index of anyone who may view permits; so is what fills it, even without the right
    to browse the scans (a 403 there was an error in the page's console)."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("permits-only", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_permit", content_type__app_label="permits"))
    client.force_login(user)
    assert not user.has_perm("permits.view_gatescan")
    assert 'id="dashboard-scans"' in client.get(reverse("admin:index")).content.decode()
    response = client.get(reverse("admin:permits_gatescan_dashboard_panels"))
    assert response.status_code == 200 and 'id="dashboard-scan-flags"' in response.content.decode()


@time_machine.travel(EVENING, tick=False)
@pytest.mark.parametrize("code", ["overstay", "outside_hours", "no_show", "after_end"])
def test_permit_list_filter_by_flag_in_constant_queries(code, permit_a, permit_b, manager_client):
    url = reverse("admin:permits_permit_changelist")
    scan(permit_a, local(DAY, 6))
    scan(permit_b, local(DAY, 6))

    def queries() -> tuple[int, list]:
        manager_client.get(url, {"scan_flag": code})
        with CaptureQueriesContext(connection) as captured:
            response = manager_client.get(url, {"scan_flag": code})
        assert response.status_code == 200
        return len(captured), list(response.context["cl"].result_list)

    few, shown = queries()
    if code in ("overstay", "outside_hours"):
        assert shown == [permit_a]
    for index in range(20):
        permit = live_permit(
            permit_a.community, permit_a.property, permit_a.contractor, start=local(DAY - datetime.timedelta(days=9), 6)
        )
        VehicleFactory(permit=permit)
        scan(permit, local(DAY, 6 + index % 3))
    many, shown = queries()
    assert many == few
    assert permit_b not in shown


@time_machine.travel(EVENING, tick=False)
def test_permit_page_shows_its_flags(permit_a, manager_client):
    scan(permit_a, local(DAY, 6))
    content = manager_client.get(reverse("admin:permits_permit_change", args=[permit_a.pk])).content.decode()
    assert 'id="permit-scan-flags"' in content
    assert "Overstay" in content and "Outside hours" in content and "No-show" not in content


def test_scan_after_revocation_through_the_webhook_raises_a_drift(deliver, active_permit):
    from permits.services import permit_revoke
    from portal.core.actors import Actor

    permit = permit_revoke(actor=Actor.system("test"), permit=active_permit, reason="Safety breach.")
    late = permit.status_changed_at + datetime.timedelta(seconds=5)
    for offset in (0, 60):
        data = payloads.scan_data(permit, late + datetime.timedelta(seconds=offset), direction="entry")
        deliver(payloads.permit_event("passes.permits.scanned", permit, data))

    assert GateScan.objects.filter(permit=permit, after_end=True).count() == 2
    drift = Drift.objects.get(kind=DriftKind.SCAN_AFTER_END, resolved_at=None)
    assert (drift.target_type, drift.target_id, drift.community_id) == ("permit", str(permit.pk), permit.community_id)
    assert drift.detail["scans"] == 2
    assert repair_operations(drift) == ["pass.revoke"]


def test_a_scan_inside_validity_raises_no_drift(deliver, active_permit):
    data = payloads.scan_data(active_permit, active_permit.valid_from + datetime.timedelta(hours=3))
    deliver(payloads.permit_event("passes.permits.scanned", active_permit, data))
    assert GateScan.objects.filter(after_end=False).count() == 1
    assert not Drift.objects.exists()
