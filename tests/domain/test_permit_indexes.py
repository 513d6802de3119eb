"""The permit's indexes: the CRM number unique in its community for the permits that have one (the index holds
only those); the counts by status across communities read the index led by status."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from permits.admin.filters import ReviewStatusFilter
from permits.models import Permit
from permits.selectors.queues import DECISION, permit_queue_q
from tests.factories import CommunityFactory, PermitFactory

STATUS_INDEX = "permit_status_till_idx"


@pytest.mark.django_db
class TestCrmReferencePerCommunity:
    def test_a_number_used_twice_in_a_community_is_refused(self):
        first = PermitFactory(crm_reference="a1B0000000001")
        with pytest.raises(IntegrityError), transaction.atomic():
            PermitFactory(community=first.community, crm_reference="a1B0000000001")

    def test_the_same_number_in_another_community_is_another_permit(self):
        PermitFactory(crm_reference="a1B0000000001")

        assert PermitFactory(community=CommunityFactory(), crm_reference="a1B0000000001").pk

    def test_permits_without_a_number_never_clash(self):
        first = PermitFactory(crm_reference=None)

        assert PermitFactory(community=first.community, crm_reference=None).pk


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")
def test_the_counts_by_status_across_communities_read_the_status_index():
    """An operator's unfiltered list counts "needs you" (three statuses) and each queue counts a status, across every
    community: only an index led by status answers that without reading every permit (1 M at a large developer)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # too few rows here for the planner to prefer any index
        needs_you = Permit.objects.filter(status__in=ReviewStatusFilter.NEEDS_YOU).explain()
        decision = Permit.objects.filter(permit_queue_q(DECISION)).explain()

    assert STATUS_INDEX in needs_you and STATUS_INDEX in decision
