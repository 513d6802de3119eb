"""The permit changelist's paginator: a planner estimate only for the unfiltered list on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from permits.models import Permit
from portal.core.admin_paginator import EstimatedCountPaginator

pytestmark = pytest.mark.django_db


def test_filtered_lists_are_counted_exactly(permit_a, permit_b):
    paginator = EstimatedCountPaginator(Permit.objects.filter(community=permit_a.community), 10)
    assert paginator._estimated_or_exact() is None
    assert paginator.count == 1


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite and others count exactly")
def test_other_databases_count_exactly(permit_a, permit_b):
    paginator = EstimatedCountPaginator(Permit.objects.all(), 10)
    assert paginator._estimated_or_exact() is None
    assert paginator.count == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reltuples is PostgreSQL's")
def test_postgresql_counts_a_small_unfiltered_list_exactly_in_one_statement(
    permit_a, permit_b, django_assert_num_queries
):
    paginator = EstimatedCountPaginator(Permit.objects.all(), 10)
    with django_assert_num_queries(1):
        assert paginator.count == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reltuples is PostgreSQL's")
def test_postgresql_uses_the_estimate_above_the_threshold(permit_a, permit_b, django_assert_num_queries):
    paginator = EstimatedCountPaginator(Permit.objects.all(), 10)
    paginator.estimate_above = -1  # every table is "big": the planner's figure is taken, no COUNT(*)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Permit._meta.db_table}")
    with django_assert_num_queries(1) as captured:
        assert paginator.count == 2
    assert "COUNT(*)" in captured.captured_queries[0]["sql"]  # present in the statement, not evaluated


def test_a_huge_estimate_is_used_without_counting(monkeypatch, operator_client, permit_a):
    monkeypatch.setattr(EstimatedCountPaginator, "_estimated_or_exact", lambda self: 5_000_000)
    response = operator_client.get(reverse("admin:permits_permit_changelist"))
    assert response.context["cl"].result_count == 5_000_000
    assert response.context["cl"].full_result_count is None


def test_facets_render(manager_client, permit_a):
    response = manager_client.get(reverse("admin:permits_permit_changelist"), {"_facets": "1"})
    assert response.status_code == 200
