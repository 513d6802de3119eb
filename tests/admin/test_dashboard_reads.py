"""How the dashboard reads: each NOC version knows its community (the "NOCs expiring" panel reads one
community's NOCs by day), the flag and queue examples are the first rows of their list, and the work-queue
counts are read once a page even though the navigation and the dashboard both show them."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from permits import services
from permits.models import NocVersion, Permit
from permits.selectors.admin import permits_for_review, review_examples, review_ordering
from portal.core.actors import Actor
from tests.factories import PDF_BYTES, NocVersionFactory, permit_in_status

ACTOR = Actor.system("test")


def _expiring_noc(permit: Permit, days: int) -> NocVersion:
    today = timezone.localdate()
    NocVersion.objects.filter(permit=permit).update(is_current=False)
    return NocVersionFactory(
        permit=permit, version=9, expiry_date=today + datetime.timedelta(days=days), issue_date=today
    )


def test_a_noc_uploaded_for_a_permit_carries_the_permits_community(permit_a, community_a):
    today = timezone.localdate()
    noc = services.noc_version_upload(
        actor=ACTOR,
        permit=permit_a,
        noc_number="NOC-COMMUNITY",
        issue_date=today,
        expiry_date=today + datetime.timedelta(days=400),
        file=SimpleUploadedFile("noc.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    noc.refresh_from_db()
    assert noc.community_id == community_a.pk == permit_a.community_id
    assert noc.version > 1 and noc.is_current


def _expiring_panel(client) -> str:
    content = client.get(reverse("admin:index")).content.decode()
    return content.split('id="dashboard-expiring"', 1)[1].split("</div>", 1)[0]


def test_the_nocs_expiring_panel_lists_only_the_managers_community(manager_client, permit_a, permit_b):
    own, other = _expiring_noc(permit_a, days=3), _expiring_noc(permit_b, days=3)
    panel = _expiring_panel(manager_client)
    assert f"NOC {own.noc_number}" in panel and permit_a.reference in panel
    assert f"NOC {other.noc_number}" not in panel and permit_b.reference not in panel


def test_the_nocs_expiring_panel_leaves_out_nocs_of_ended_permits_and_later_days(
    manager_client, community_a, property_a, contractor_a
):
    place = {"community": community_a, "property": property_a, "contractor": contractor_a}
    live, ended, later = (permit_in_status(status, **place) for status in ("approved", "expired", "approved"))
    shown = _expiring_noc(live, days=7)
    hidden = [_expiring_noc(ended, days=2), _expiring_noc(later, days=8)]
    panel = _expiring_panel(manager_client)
    assert f"NOC {shown.noc_number}" in panel
    assert not [noc for noc in hidden if f"NOC {noc.noc_number}" in panel]


def test_the_first_rows_for_review_are_the_head_of_the_whole_review_list(community_a, property_a, contractor_a):
    place = {"community": community_a, "property": property_a, "contractor": contractor_a}
    for status in ("approved", "submitted", "active", "submitted", "approved", "draft"):
        permit_in_status(status, **place)
    everything = Permit.objects.filter(community=community_a)
    whole = list(permits_for_review(everything).order_by(*review_ordering()).values_list("pk", flat=True))
    first = review_examples(everything, 4)
    assert [permit.pk for permit in first] == whole[:4]
    assert first[0].status == "submitted" and first[0].contractor.company_name == "Alpha Fitouts LLC"
    with CaptureQueriesContext(connection) as shown:  # what an example line shows comes with the rows
        lines = [(row.reference, row.main_unit.external_id, row.contractor.company_name) for row in first]
    assert len(shown.captured_queries) == 0 and all(all(line) for line in lines)


def test_the_work_queue_counts_are_read_once_a_page(manager_client, permit_a):
    manager_client.get(reverse("admin:index"))  # warm: sessions, content types
    with CaptureQueriesContext(connection) as captured:
        content = manager_client.get(reverse("admin:index")).content.decode()
    counts = [query for query in captured.captured_queries if 'AS "decision"' in query["sql"]]
    assert len(counts) == 1
    assert 'id="queue-decision"' in content and 'id="nav-queue-decision"' in content


def test_the_weekly_chart_indexes_cover_exactly_the_actions_it_counts():
    """The migration's copy of the actions (migrations never import app code) is the chart's own list."""
    import importlib

    from permits.selectors.admin import WEEKLY_ACTIONS

    migration = importlib.import_module("permits.migrations.0024_audit_weekly_indexes")
    assert set(migration.WEEKLY_ACTIONS) == set(WEEKLY_ACTIONS.values())
    assert "target_type = 'permit'" in migration.CONDITION
