"""A sequence's head is read through the partial index of open rows by sequence, whatever the backlog elsewhere.

With a backlog (a partner down for an hour, the expiry's parking deletes) that came after the table's statistics,
PostgreSQL combined the index on the sequence with the index of every open row and read all of them each time a
row handed over to the next: 6 ms a read at 200,000 open rows. The partial index answers alone.
"""

from __future__ import annotations

import pytest
from django.db import connection

from portal.integrations.delivery import selectors
from portal.integrations.delivery.models import DeliveryState, OutboundDelivery
from tests.factories import CommunityFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
]
BACKLOG = 3000
INDEX = "delivery_open_sequence_idx"


def _row(community, key: str, number: int, state: str = DeliveryState.PENDING) -> OutboundDelivery:
    return OutboundDelivery(
        subscriber="opscom",
        operation="parking.delete",
        community=community,
        target_type="vehicle",
        target_id=str(number),
        sequence_key=key,
        state=state,
    )


@pytest.fixture
def backlog():
    """One sequence of three rows (the first done) behind thousands of open rows of other sequences, which came
    after the table's statistics were taken (as a backlog does between two runs of autovacuum)."""
    community = CommunityFactory()
    finished = [_row(community, f"opscom:vehicle:{n}", n, DeliveryState.SUCCEEDED) for n in range(BACKLOG)]
    mine = [
        _row(community, "buzzin:permit:1", 1, DeliveryState.SUCCEEDED),
        _row(community, "buzzin:permit:1", 2),
        _row(community, "buzzin:permit:1", 3),
    ]
    OutboundDelivery.objects.bulk_create(finished + mine)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {OutboundDelivery._meta.db_table}")
    OutboundDelivery.objects.bulk_create(_row(community, f"opscom:vehicle:{n}", n) for n in range(BACKLOG))
    return mine


def test_the_head_of_a_sequence_is_read_through_the_open_sequence_index(backlog):
    head = selectors.first_open_in_sequence("buzzin:permit:1")
    assert head.pk == backlog[1].pk
    plan = selectors.open_in_sequence("buzzin:permit:1")[:1].explain()
    assert INDEX in plan
    assert "delivery_open_idx" not in plan


def test_what_waits_before_a_row_is_the_first_open_row_of_its_sequence(backlog):
    rows = OutboundDelivery.objects.annotate(earlier_open_id=selectors.first_earlier_open_id())
    assert rows.get(pk=backlog[2].pk).earlier_open_id == backlog[1].pk
    assert rows.get(pk=backlog[1].pk).earlier_open_id is None
