"""Where people see the deadlines: the permit list (column and filter), the permit page, the dashboard,
the service-level report and its CSV (each scoped to the manager's communities), the contractor's page."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from permits import services
from permits.models import Permit
from tests.admin.conftest import logged_in, make_manager
from tests.factories import CommunityFactory, PermitFactory, UserFactory

from .conftest import ACTOR, at, dubai

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:permits_permit_changelist"


@pytest.fixture
def manager_client(estate):
    return logged_in(make_manager("akoya-manager", estate.community))


@pytest.fixture
def waiting(estate):
    """Overdue (submitted a week ago), due today in Dubai, and one decided in time."""
    now = timezone.now()
    overdue = estate.submitted(now - datetime.timedelta(days=7))
    today = estate.submitted(now)
    Permit.objects.filter(pk=today.pk).update(decision_due_at=now + datetime.timedelta(minutes=1))
    decided = estate.submitted(now - datetime.timedelta(hours=1))
    services.permit_approve(actor=ACTOR, permit=decided)
    return overdue, Permit.objects.get(pk=today.pk), decided


def refs(response) -> set[str]:
    return {permit.reference for permit in response.context["cl"].result_list}


def test_the_list_shows_decide_by_red_once_overdue_and_filters_by_it(manager_client, waiting):
    overdue, today, decided = waiting
    url = reverse(CHANGELIST)
    response = manager_client.get(url)
    content = response.content.decode()
    assert "decide by" in content.lower()
    assert content.count("deadline--overdue") == 1
    assert "overdue" in content and "left" in content
    assert refs(manager_client.get(url, {"due": "overdue"})) == {overdue.reference}
    assert today.reference in refs(manager_client.get(url, {"due": "today"}))
    assert refs(manager_client.get(url, {"due": "waiting"})) == {overdue.reference, today.reference}
    assert decided.reference not in refs(manager_client.get(url, {"due": "waiting"}))


def test_the_permit_page_has_the_deadline_panel(manager_client, estate):
    permit = estate.submitted(dubai(12, 7, 10))
    response = manager_client.get(reverse("admin:permits_permit_change", args=[permit.pk]))
    content = response.content.decode()
    assert 'id="decision-deadline"' in content
    assert "09 Dec 2026, 19:00" in content  # Wednesday 19:00 on Akoya's clock
    assert "Managers are reminded at 09 Dec 2026, 10:45" in content


def test_the_contractor_sees_when_to_expect_a_decision(estate):
    with at(dubai(12, 7, 10)):
        permit = estate.submitted(dubai(12, 7, 10))
        client = logged_in(estate.company_user)
        content = client.get(reverse("permits:detail", args=[permit.reference])).content.decode()
    assert "Decision expected by" in content and "09 Dec 2026, 19:00" in content
    assert "The decision is late" not in content
    with at(dubai(12, 10, 9)):
        client = logged_in(estate.company_user)  # a fresh session: the old one timed out meanwhile
        content = client.get(reverse("permits:detail", args=[permit.reference])).content.decode()
    assert "The decision is late" in content


def test_report_page_csv_and_dashboard_are_scoped(estate, waiting):
    other = CommunityFactory(name="Zabeel Heights")
    elsewhere = services.permit_submit(actor=ACTOR, permit=PermitFactory(community=other))
    services.permit_approve(actor=ACTOR, permit=elsewhere)
    client = logged_in(make_manager("akoya-manager", estate.community))
    report = client.get(reverse("admin:permits_permitdecision_report")).content.decode()
    assert "Akoya" in report and "Zabeel" not in report
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("admin:permits_permitdecision_report_csv")).content.decode()))
    )
    assert rows[0][:3] == ["community", "month", "decisions"]
    assert {row[0] for row in rows[1:]} == {"Akoya"}
    current = [row for row in rows[1:] if row[1] == f"{timezone.now():%b %Y}"]
    assert current and current[0][2] == "1" and current[0][7] == "1"  # one decision, one overdue now
    dashboard = client.get(reverse("admin:index")).content.decode()
    assert 'id="dashboard-deadlines"' in dashboard and 'id="dashboard-service-levels"' in dashboard
    assert elsewhere.reference not in dashboard
    operator = logged_in(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert "Zabeel" in operator.get(reverse("admin:permits_permitdecision_report")).content.decode()


@pytest.mark.parametrize("months", ["abc", "-4", "9999", ""])
def test_odd_report_months_never_fail(manager_client, months):
    assert manager_client.get(reverse("admin:permits_permitdecision_report"), {"months": months}).status_code == 200
    assert manager_client.get(reverse("admin:permits_permitdecision_report_csv"), {"months": months}).status_code == 200


def test_a_contractor_cannot_reach_the_report(estate):
    client = logged_in(estate.company_user)
    response = client.get(reverse("admin:permits_permitdecision_report"))
    assert response.status_code == 302 and "/login/" in response["Location"]
