"""The admin index dashboard, for the signed-in user's communities only."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contractors.models import Contractor
from portal.integrations.delivery.models import DeliveryState, OutboundDelivery
from tests.admin.conftest import logged_in
from tests.factories import permit_in_status

pytestmark = pytest.mark.django_db


def count_of(content: str, status: str) -> int:
    match = re.search(rf'<li class="status-{status}">\s*<strong>(\d+)</strong>', content)
    assert match, status
    return int(match.group(1))


@pytest.fixture
def both(community_a, property_a, contractor_a, community_b, property_b, contractor_b):
    a = {"community": community_a, "property": property_a, "contractor": contractor_a}
    b = {"community": community_b, "property": property_b, "contractor": contractor_b}
    permits = {
        "a_submitted": [permit_in_status("submitted", **a) for _ in range(2)],
        "a_active": permit_in_status("active", **a),
        "b_submitted": [permit_in_status("submitted", **b) for _ in range(3)],
        "b_rejected": permit_in_status("rejected", **b),
        "b_approved": permit_in_status("approved", **b),  # its pushes fail below
    }
    OutboundDelivery.objects.filter(community=community_a).update(state=DeliveryState.FAILED, last_error="A down")
    OutboundDelivery.objects.filter(community=community_b).update(state=DeliveryState.FAILED, last_error="B down")
    soon = timezone.localdate() + datetime.timedelta(days=3)
    Contractor.objects.filter(pk=contractor_b.pk).update(insurance_expiry=soon)
    Contractor.objects.filter(pk=contractor_a.pk).update(trade_licence_expiry=soon)
    return permits


def test_counts_are_for_the_managers_communities(manager_client, both):
    content = manager_client.get(reverse("admin:index")).content.decode()
    assert count_of(content, "submitted") == 2
    assert count_of(content, "active") == 1
    assert count_of(content, "rejected") == 0
    for permit in both["a_submitted"]:
        assert permit.reference in content
    for permit in both["b_submitted"]:
        assert permit.reference not in content
    assert "A down" in content and "B down" not in content
    assert "Alpha Fitouts LLC" in content and "Bravo Builders LLC" not in content


def test_an_operator_sees_every_community(operator_client, both):
    content = operator_client.get(reverse("admin:index")).content.decode()
    assert count_of(content, "submitted") == 5
    assert count_of(content, "rejected") == 1
    assert "B down" in content and "Bravo Builders LLC" in content


def test_weekly_chart_counts_submissions_and_approvals(manager_client, both):
    response = manager_client.get(reverse("admin:index"))
    content = response.content.decode()
    assert "<svg" in content and "<script" not in content.split('id="dashboard"')[1].split("</svg>")[0]
    this_week = re.findall(r"<tr><td>[^<]+</td><td>(\d+)</td><td>(\d+)</td></tr>", content)[-1]
    assert this_week == ("3", "1")  # 2 + the active one submitted; the active one approved


def test_dashboard_queries_do_not_grow_with_rows(manager_client, community_a, property_a, contractor_a):
    a = {"community": community_a, "property": property_a, "contractor": contractor_a}
    permit_in_status("submitted", **a)
    manager_client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as few:
        manager_client.get(reverse("admin:index"))
    for _ in range(15):
        permit_in_status("active", **a)
    with CaptureQueriesContext(connection) as many:
        manager_client.get(reverse("admin:index"))
    assert len(many) == len(few)


def test_app_index_pages_have_no_dashboard(manager_client, both):
    content = manager_client.get(reverse("admin:app_list", args=["permits"])).content.decode()
    assert 'id="dashboard"' not in content


def test_configuration_faults_and_compliance_flags_show_for_the_managers_communities(
    manager_a, permit_a, permit_b, community_a, community_b
):

    for permit in (permit_a, permit_b):
        OutboundDelivery.objects.create(
            subscriber="opscom",
            operation="parking.push",
            community=permit.community,
            target_type="vehicle",
            target_id="1",
            sequence_key="opscom:vehicle:1",
            state="failed",
            error_kind="configuration",
            last_error=f"OPS-COM 9002: token lacks permission ({permit.community.name})",
        )
        permit.compliance_issue = f"Trade licence expired on 2026-08-30 ({permit.reference})."
        permit.status = "active"
        permit.save()
    body = logged_in(manager_a).get("/admin/").content.decode()
    assert "Partner configuration faults" in body
    assert f"token lacks permission ({community_a.name})" in body
    assert f"({community_b.name})" not in body
    assert f"({permit_a.reference})" in body
    assert permit_b.reference not in body


def test_every_permit_line_shows_what_it_loaded_and_reads_nothing_more(
    manager_client, community_a, property_a, contractor_a
):
    """The review, ending, NOC and compliance lines load only the columns they show (``PERMIT_LINE_FIELDS``):
    a field left out would be read again for each line, and the page's queries would grow with its lines."""
    from permits.models import NocVersion, Permit

    a = {"community": community_a, "property": property_a, "contractor": contractor_a}
    soon = timezone.now() + datetime.timedelta(days=3)

    def one_of_each() -> list[Permit]:
        waiting = permit_in_status("submitted", **a)
        ending = permit_in_status("approved", **a)
        Permit.objects.filter(pk=ending.pk).update(
            valid_till=soon, compliance_issue=f"Insurance lapsed ({ending.reference})."
        )
        NocVersion.objects.filter(permit=ending).update(expiry_date=soon.date())
        return [waiting, ending]

    first = one_of_each()
    manager_client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as few:
        manager_client.get(reverse("admin:index"))
    for _ in range(4):
        one_of_each()
    with CaptureQueriesContext(connection) as many:
        body = manager_client.get(reverse("admin:index")).content.decode()
    assert len(many) == len(few)
    waiting, ending = first
    for section, permit in (("dashboard-awaiting", waiting), ("dashboard-expiring", ending)):
        lines = body.split(f'id="{section}"')[1].split("</table>")[0]
        assert permit.reference in lines and contractor_a.company_name in lines
    assert waiting.main_unit.external_id in body.split('id="dashboard-awaiting"')[1].split("</table>")[0]
    noc_number = NocVersion.objects.get(permit=ending, is_current=True).noc_number
    assert f"NOC {noc_number}" in body
    assert f"Insurance lapsed ({ending.reference})." in body.split('id="dashboard-compliance"')[1]
