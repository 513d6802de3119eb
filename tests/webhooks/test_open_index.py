"""The relay and /metrics read the inbox's waiting and failed events through their partial index, not the inbox.

The inbox keeps every event ever received (about 50,000 a day from a busy community's gates); the relay runs
every minute and /metrics at every scrape, each once a full scan of it before the index.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from portal.integrations.models import InboundEvent, InboundEventState
from portal.integrations.webhooks import selectors

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
]
HANDLED = 3000
INDEX = "inbound_open_idx"


def _event(number: int, state: str) -> InboundEvent:
    return InboundEvent(
        event_id=f"evt-{number}",
        event="passes.permits.scanned",
        verification="hmac",
        payload={"id": f"evt-{number}"},
        state=state,
    )


@pytest.fixture
def inbox():
    handled = [_event(n, InboundEventState.PROCESSED) for n in range(HANDLED)]
    waiting = [_event(HANDLED + n, InboundEventState.RECEIVED) for n in range(3)]
    failed = [_event(HANDLED + 10 + n, InboundEventState.FAILED) for n in range(2)]
    InboundEvent.objects.bulk_create(handled + waiting + failed)
    InboundEvent.objects.filter(state=InboundEventState.RECEIVED).update(
        received_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {InboundEvent._meta.db_table}")
    return waiting


def test_the_relay_and_the_metrics_read_the_open_index(inbox):
    cutoff = timezone.now() - datetime.timedelta(minutes=1)
    assert list(selectors.events_to_relay(cutoff).values_list("pk", flat=True)) == [event.pk for event in inbox]
    assert selectors.inbound_waiting()[0] == 3 and selectors.inbound_failed_count() == 2
    assert INDEX in selectors.events_to_relay(cutoff)[:500].explain()
    assert INDEX in selectors.events_waiting().explain()
    assert INDEX in selectors.events_failed().explain()
