"""Found by ``python -m faults``: a worker killed after Buzz-In applied a validity update, before the
answer was recorded. The relay reclaims the row and sends it again under the same Idempotency-Key;
by then the permit had a newer extension (with its own row). Built afresh, the repeat carried that
newer validity and Buzz-In applied a second change under the old key (``duplicateAppliedKeys``)."""

from __future__ import annotations

import datetime

import pytest
import requests
from django.utils import timezone

from faults.seed import approve_contractor, approve_permits, seed_estate
from permits import services
from permits.models import Permit
from portal.core.actors import Actor
from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.delivery import sender
from portal.integrations.delivery.models import DeliveryState, OutboundDelivery
from portal.integrations.delivery.services import deliveries_reclaim_stuck
from sandboxes.buzzin import start_sandbox
from sandboxes.catalogue import buzzin_sandbox_communities
from tests.delivery.drain import drain_outbox

pytestmark = pytest.mark.django_db(transaction=True)
ACTOR = Actor.system("test")


@pytest.fixture
def buzzin(settings):
    settings.OUTBOX_DISPATCH = False
    settings.DELIVERY_BACKOFF_BASE_SECONDS = 0.0
    settings.DELIVERY_BACKOFF_MAX_SECONDS = 0.0
    settings.DELIVERY_RELAY_GRACE_SECONDS = 0
    estate = seed_estate(1)
    catalogue = buzzin_sandbox_communities()
    handle = start_sandbox(communities=catalogue, accept_delay=0.05, auto_approve_contractors_after=0)
    settings.BUZZIN_API_URL = handle.url
    approve_contractor(estate)
    drain_outbox()
    approve_permits(estate)
    drain_outbox()
    yield handle, Permit.objects.get(pk=estate.permit_ids[0]), estate
    handle.stop()


def remote(handle, reference: str) -> dict:
    permits = requests.get(f"{handle.url}/_sandbox/state", timeout=5).json()["permits"]
    return next(p for p in permits if p["salesforcePermitId"] == reference)


def test_a_reclaimed_validity_update_sends_the_body_of_its_first_try(buzzin):
    handle, permit, estate = buzzin
    first_till = estate.base_till
    services.permit_extend(actor=ACTOR, permit=permit, valid_till=first_till)
    first = OutboundDelivery.objects.get(operation=buzzin_op.PERMIT_UPDATE_VALIDITY)

    claim, _ = sender.claim_delivery(first.pk)
    sender.perform(claim.delivery)  # Buzz-In applies it; the worker dies before recording the answer

    newer_till = first_till + datetime.timedelta(days=2)
    services.permit_extend(actor=ACTOR, permit=permit, valid_till=newer_till)
    assert deliveries_reclaim_stuck(now=timezone.now(), older_than=0) == 1
    drain_outbox()

    assert set(OutboundDelivery.objects.values_list("state", flat=True)) == {DeliveryState.SUCCEEDED}
    stats = requests.get(f"{handle.url}/_sandbox/stats", timeout=5).json()
    assert stats["duplicateAppliedKeys"] == []
    assert stats["keys"][f"delivery-{first.pk}"]["requests"] == 2
    assert remote(handle, permit.reference)["validTill"].startswith(newer_till.strftime("%Y-%m-%dT%H:%M"))
