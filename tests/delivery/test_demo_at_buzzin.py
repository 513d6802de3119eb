"""The demo against the Buzz-In sandbox over loopback: its company is one contractor there, in both communities."""

from __future__ import annotations

import pytest

from permits.demo import DEMO_CONTRACTOR_REFERENCE, seed_demo
from portal.core.models import Community
from portal.integrations.buzzin.demo import buzzin_demo_configure

from .drain import drain_outbox

pytestmark = pytest.mark.django_db


def test_the_demo_company_is_one_contractor_at_buzzin_joined_to_both_communities(sandboxes, settings):
    settings.SANDBOXES_ENABLED = True  # each demo community gets its own key
    settings.DEMO_PASSWORD = "demo-pass-123"
    seed_demo(configure=buzzin_demo_configure)
    sandboxes.sync_catalogue()

    drain_outbox("buzzin")

    contractors = sandboxes.get("buzzin", "state")["contractors"]
    assert sorted(c["email"] for c in contractors) == ["omar@alnoor.example", "ops@palmservices.example"]
    [al_noor] = [c for c in contractors if c["salesforceId"] == DEMO_CONTRACTOR_REFERENCE]
    hills, palm = (Community.objects.get(slug=slug).buzzin for slug in ("damac-hills", "palm-gardens"))
    assert hills.api_key and palm.api_key and hills.api_key != palm.api_key
    assert set(al_noor["communities"]) == {hills.buzzin_id, palm.buzzin_id}
    assert al_noor["communities"][palm.buzzin_id] == "approved"  # joined by approve with Palm Gardens' key
    stats = sandboxes.get("buzzin", "stats")["operations"]
    assert (stats["createContractor"]["applied"], stats["contractorAction.approve"]["applied"]) == (2, 1)
