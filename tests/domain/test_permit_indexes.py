"""The permit's CRM number is unique in its community, for the permits that have one (the index holds only those)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from tests.factories import CommunityFactory, PermitFactory


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
