"""CSV export of the permit list: the current filters, streamed, scoped."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from permits.admin.export import HEADER, safe_cell
from tests.factories import PermitFactory, permit_in_status

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_export_link_exports_the_filtered_list(manager_client, community_a, property_a, contractor_a, permit_b):
    submitted = permit_in_status("submitted", community=community_a, property=property_a, contractor=contractor_a)
    PermitFactory(community=community_a, property=property_a, contractor=contractor_a)  # a draft
    changelist = manager_client.get(reverse("admin:permits_permit_changelist"), {"status__exact": "submitted"})
    export_url = reverse("admin:permits_permit_export") + "?status__exact=submitted"
    assert export_url in changelist.content.decode()

    rows = rows_of(manager_client.get(export_url))
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == [submitted.reference]
    assert rows[1][4] == "Alpha Fitouts LLC"
    assert rows[1][9] == f"{submitted.noc_versions.get(is_current=True).expiry_date:%d %b %Y}"


def test_export_without_filters_is_every_own_permit(manager_client, permit_a, permit_b):
    rows = rows_of(manager_client.get(reverse("admin:permits_permit_export")))
    assert [row[0] for row in rows[1:]] == [permit_a.reference]


def test_export_selected_action(manager_client, operator_client, permit_a, permit_b):
    data = {"action": "export_selected_csv", ACTION_CHECKBOX_NAME: [str(permit_a.pk), str(permit_b.pk)]}
    url = reverse("admin:permits_permit_changelist")
    assert [row[0] for row in rows_of(manager_client.post(url, data))[1:]] == [permit_a.reference]
    assert {row[0] for row in rows_of(operator_client.post(url, data))[1:]} == {permit_a.reference, permit_b.reference}


def test_cells_never_start_a_formula():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("Alpha") == "Alpha"
    assert safe_cell(None) == ""
