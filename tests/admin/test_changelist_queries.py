"""The permit changelist costs the same number of queries for 5 permits and for 200."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permits.models import GateScan
from tests.factories import PermitFactory, VehicleFactory, permit_in_status

pytestmark = pytest.mark.django_db

FILTERS = {
    "unfiltered": {},
    "status": {"status__exact": "submitted"},
    "soon": {"starts": "7d", "expires": "7d"},
    "noc": {"noc": "short"},
    "clashes": {"clashes": "yes"},
    "due": {"due": "overdue"},
    "due today": {"due": "today"},
    "search": {"q": "DXB"},
    "ordered": {"o": "8"},  # NOC expiry
    "by deadline": {"o": "2", "due": "waiting"},
    "all filters": {"status__exact": "draft", "permit_type__exact": "fit_out", "noc": "missing", "q": "Ravi"},
}


def add_permits(count, *, community, property, contractor):
    for index in range(count):
        permit = PermitFactory(community=community, property=property, contractor=contractor)
        VehicleFactory(permit=permit)
        if index % 10 == 0:
            GateScan.objects.create(permit=permit, event_id=f"evt-{permit.pk}", scanned_at=permit.created_at)


def queries_for(client, params) -> int:
    url = reverse("admin:permits_permit_changelist")
    client.get(url, params)  # warm caches (content types, sessions) out of the count
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["manager", "operator"])
def test_queries_do_not_grow_with_rows(who, manager_client, operator_client, community_a, property_a, contractor_a):
    client = manager_client if who == "manager" else operator_client
    permit_in_status("submitted", community=community_a, property=property_a, contractor=contractor_a)
    add_permits(4, community=community_a, property=property_a, contractor=contractor_a)
    few = {name: queries_for(client, params) for name, params in FILTERS.items()}
    add_permits(195, community=community_a, property=property_a, contractor=contractor_a)
    many = {name: queries_for(client, params) for name, params in FILTERS.items()}
    assert many == few


def test_the_list_shows_what_a_reviewer_needs(manager_client, community_a, property_a, contractor_a):
    permit = permit_in_status("submitted", community=community_a, property=property_a, contractor=contractor_a)
    response = manager_client.get(reverse("admin:permits_permit_changelist"))
    [row] = response.context["cl"].result_list
    assert row.noc_expiry == permit.noc_versions.get(is_current=True).expiry_date
    assert row.waiting_since == permit.submitted_at
    content = response.content.decode()
    assert permit.main_unit.external_id in content and "Alpha Fitouts LLC" in content


def test_oldest_waiting_first_then_newest(manager_client, community_a, property_a, contractor_a):
    kwargs = {"community": community_a, "property": property_a, "contractor": contractor_a}
    first = permit_in_status("submitted", **kwargs)
    draft = PermitFactory(**kwargs)
    second = permit_in_status("submitted", **kwargs)
    approved = permit_in_status("approved", **kwargs)
    response = manager_client.get(reverse("admin:permits_permit_changelist"), {"status__exact": "all"})
    assert list(response.context["cl"].result_list) == [first, second, approved, draft]


def test_the_default_list_is_what_needs_a_manager(manager_client, community_a, property_a, contractor_a):
    """Submitted, approved (the pass not yet issued) and active permits; drafts and closed ones one click away."""
    kwargs = {"community": community_a, "property": property_a, "contractor": contractor_a}
    wanted = [permit_in_status(status, **kwargs) for status in ("submitted", "approved", "active")]
    draft, _rejected = PermitFactory(**kwargs), permit_in_status("rejected", **kwargs)
    url = reverse("admin:permits_permit_changelist")
    response = manager_client.get(url)
    assert set(response.context["cl"].result_list) == set(wanted)
    assert "status__exact=draft" in response.content.decode()  # the drafts, one click away
    assert list(manager_client.get(url, {"status__exact": "draft"}).context["cl"].result_list) == [draft]


def test_search_by_plate_or_worker_lists_a_permit_once(manager_client, community_a, property_a, contractor_a):
    permit = PermitFactory(community=community_a, property=property_a, contractor=contractor_a)
    VehicleFactory(permit=permit, plate="DXB11111")
    VehicleFactory(permit=permit, plate="DXB11112")
    PermitFactory(community=community_a, property=property_a, contractor=contractor_a)
    url = reverse("admin:permits_permit_changelist")
    every = {"status__exact": "all"}
    assert list(manager_client.get(url, {"q": "dxb-1111", **every}).context["cl"].result_list) == [permit]
    assert len(manager_client.get(url, {"q": "Ravi", **every}).context["cl"].result_list) == 2
    assert list(manager_client.get(url, {"q": permit.reference, **every}).context["cl"].result_list) == [permit]
