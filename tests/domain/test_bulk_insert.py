"""``objects_insert`` stores what ``bulk_create`` stores, ids included, in a fixed number of statements.

On PostgreSQL (the service suite) ``copy_from_rows=1`` takes the COPY path; on SQLite both calls are
``bulk_create``, and the comparison still holds.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from portal.core.bulk import objects_insert
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import CommunityFactory, UserFactory

AT = datetime.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC)
DATA = {"valid_till": AT.isoformat(), "note": 'تصريح\tمنتهي\n\\ "quoted"', "nested": [1, None, True]}


def events(community, actor, count: int) -> list[AuditEvent]:
    return [
        AuditEvent(
            at=AT,
            actor=actor,
            actor_label=f"{actor.username} — مدير",
            community=community,
            target_type="permit",
            target_id=str(index),
            action="permits.permit.expired",
            from_status="active",
            to_status="expired",
            reason="The permit's validity ended.\nTab\there, backslash \\ too.",
            data=dict(DATA, index=index),
        )
        for index in range(count)
    ]


def stored(model, objects) -> list[dict]:
    rows = model.objects.filter(pk__in=[item.pk for item in objects]).order_by("pk")
    return [{key: value for key, value in model_to_dict(row).items() if key != "id"} for row in rows]


@pytest.mark.django_db
class TestObjectsInsert:
    def test_the_same_rows_as_bulk_create_with_ids_in_the_given_order(self):
        community, actor = CommunityFactory(), UserFactory()
        copied = objects_insert(events(community, actor, 30), copy_from_rows=1)
        created = AuditEvent.objects.bulk_create(events(community, actor, 30))

        assert [item.pk for item in copied] == sorted(item.pk for item in copied)
        assert all(item.pk is not None and not item._state.adding for item in copied)
        assert stored(AuditEvent, copied) == stored(AuditEvent, created)
        assert [row["target_id"] for row in stored(AuditEvent, copied)] == [str(index) for index in range(30)]
        assert AuditEvent.objects.get(pk=copied[7].pk).data == dict(DATA, index=7)

    def test_auto_now_stamps_and_defaults_are_written(self):
        community = CommunityFactory()
        rows = [
            OutboundDelivery(
                subscriber="opscom",
                operation="parking.delete",
                community_id=community.pk,
                target_type="vehicle",
                target_id=str(index),
                sequence_key=f"opscom:vehicle:{index}",
                params={"plate": "دبي 12345"},
                next_attempt_at=AT,
            )
            for index in range(5)
        ]
        objects_insert(rows, copy_from_rows=1)

        for row in OutboundDelivery.objects.filter(pk__in=[item.pk for item in rows]):
            assert row.created_at is not None and row.updated_at is not None
            assert row.state == OutboundDelivery._meta.get_field("state").default
            assert row.attempt_count == 0 and row.result == {} and row.params == {"plate": "دبي 12345"}
            assert row.event_id is None and row.next_attempt_at == AT

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's bulk_create splits by its variable limit")
    def test_statements_do_not_grow_with_the_rows(self):
        community, actor = CommunityFactory(), UserFactory()
        counts = []
        for size in (3, 300):
            with CaptureQueriesContext(connection) as captured:
                objects_insert(events(community, actor, size), copy_from_rows=1)
            counts.append(len(captured.captured_queries))
        assert counts[0] == counts[1] <= 2
        assert AuditEvent.objects.filter(community=community).count() == 303

    def test_nothing_to_insert_is_no_statement(self):
        with CaptureQueriesContext(connection) as captured:
            assert objects_insert([]) == []
        assert len(captured.captured_queries) == 0


def test_json_is_written_as_the_fields_encoder_writes_it_and_none_as_sql_null():
    from portal.core.bulk import _converter

    field = AuditEvent._meta.get_field("data")
    event = AuditEvent(data={"note": "مرحبا", "n": [1, None, True]})
    assert json.loads(_converter(field)(event)) == {"note": "مرحبا", "n": [1, None, True]}
    event.data = None
    assert _converter(field)(event) is None  # SQL NULL, as bulk_create writes None (not the JSON text "null")
