"""``objects_new`` makes the instances ``Model(**values)`` makes, without its per-keyword matching; ``AnyOf`` finds
what ``__in`` finds, with one array parameter on PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from permits.models import Vehicle
from portal.core.bulk import objects_insert, objects_new
from portal.core.lookups import AnyOf
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import PermitFactory, VehicleFactory

AT = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)
EVENT = {
    "at": AT,
    "actor_id": None,
    "actor_label": "expiry sweep",
    "community_id": 7,
    "target_type": "permit",
    "target_id": "42",
    "action": "permits.permit.expired",
    "from_status": "active",
    "to_status": "expired",
    "reason": "The permit's validity ended.",
    "data": {"valid_till": AT.isoformat()},
}
DELIVERY = {
    "subscriber": "opscom",
    "operation": "parking.delete",
    "event_id": None,
    "community_id": 7,
    "target_type": "vehicle",
    "target_id": "9",
    "sequence_key": "opscom:vehicle:9",
    "next_attempt_at": AT,
}


def values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


@pytest.mark.parametrize(("model", "row"), [(AuditEvent, EVENT), (OutboundDelivery, DELIVERY)])
def test_the_same_instance_as_the_model_makes(model, row):
    made, expected = objects_new(model, [row])[0], model(**row)

    assert type(made) is model
    assert values(made) == values(expected)  # the fields a row leaves out hold their defaults
    assert (made._state.adding, made._state.db) == (True, None)


def test_a_callable_default_is_called_for_each_instance():
    first, second = objects_new(OutboundDelivery, [DELIVERY, DELIVERY])

    assert first.params == {} and first.params is not second.params


def test_a_given_value_is_kept_and_its_default_not_made():
    params = {"plate": "DXBA12345"}

    assert objects_new(OutboundDelivery, [dict(DELIVERY, params=params)])[0].params is params


def test_a_name_that_is_no_field_is_refused_as_the_model_refuses_it():
    with pytest.raises(TypeError, match="actor_lable"):
        objects_new(AuditEvent, [dict(EVENT, actor_lable="typo")])
    with pytest.raises(TypeError):
        AuditEvent(**dict(EVENT, actor_lable="typo"))


def test_a_model_with_init_listeners_is_built_the_ordinary_way():
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=AuditEvent)
    try:
        made = objects_new(AuditEvent, [EVENT])
    finally:
        post_init.disconnect(listener, sender=AuditEvent)

    assert seen == made


@pytest.mark.django_db
def test_the_instances_are_stored_as_the_model_stores_them():
    community_event = dict(EVENT, community_id=PermitFactory().community_id)
    made = objects_insert(objects_new(AuditEvent, [community_event] * 3), copy_from_rows=1)

    stored = AuditEvent.objects.filter(pk__in=[event.pk for event in made])
    assert sorted(stored.values_list("pk", flat=True)) == [event.pk for event in made]
    assert {(event.action, event.data["valid_till"]) for event in stored} == {(EVENT["action"], AT.isoformat())}


@pytest.mark.django_db
class TestAnyOf:
    def test_the_rows_in_finds(self):
        vehicles = [VehicleFactory() for _ in range(3)]
        wanted = {vehicles[0].permit_id, vehicles[2].permit_id}

        found = Vehicle.objects.filter(AnyOf(F("permit_id"), wanted)).order_by("pk")

        assert list(found) == list(Vehicle.objects.filter(permit_id__in=wanted).order_by("pk"))
        assert len(found) == 2

    def test_no_values_match_nothing_without_a_query(self):
        VehicleFactory()
        with CaptureQueriesContext(connection) as queries:
            assert list(Vehicle.objects.filter(AnyOf(F("permit_id"), []))) == []
        assert len(queries) == 0

    def test_one_parameter_for_every_value_on_postgresql(self):
        ids = list(range(1, 2001))
        with CaptureQueriesContext(connection) as queries:
            list(Vehicle.objects.filter(AnyOf(F("permit_id"), ids)))
        sql = queries.captured_queries[0]["sql"]
        if connection.vendor == "postgresql":
            assert "= ANY(" in sql and sql.count(", ") < 100
        else:
            assert " IN (" in sql
