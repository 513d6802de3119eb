"""Every write made through the API is attributed to the key in the audit trail."""

from __future__ import annotations

import pytest

from portal.core.models import AuditEvent

from .support import days_ahead, iso

pytestmark = pytest.mark.django_db


def test_every_change_names_the_key(api, site, created_permit):
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    permit_id = created_permit["_id"]
    assert api.patch(f"/permits/{permit_id}", {"validTill": iso(days_ahead(45, hour=14))}).status == 200
    assert api.patch(f"/permits/{permit_id}", {"employees": [{"name": "A B", "idNumber": "N1234567"}]}).status == 200
    assert api.patch(f"/passes/{permit_id}", {"action": "submit"}).status == 200
    assert api.patch(f"/communityContractors/{site.contractor.reference}", {"action": "revoke"}).status == 200
    label = f"api key: {site.key.name} ({site.key.prefix}…)"
    events = AuditEvent.objects.exclude(pk__in=before)
    assert {event.actor_label for event in events} == {label}
    assert {event.action for event in events} >= {
        "permits.permit.updated",
        "permits.worker.added",
        "permits.worker.removed",
        "permits.permit.submitted",
        "contractors.membership.revoked",
    }
    created = AuditEvent.objects.filter(action__in=["permits.permit.created", "permits.noc.uploaded"])
    assert created.count() == 2 and {event.actor_label for event in created} == {label}
