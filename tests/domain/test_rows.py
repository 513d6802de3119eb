"""``portal.core.rows`` makes from a cached statement's rows the instances a queryset makes; the community's
blackout dates are read for a permit's window only."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from permits.models import NocVersion
from portal.core import rows
from portal.core.models import AuditEvent, BlackoutDate, Unit
from portal.core.working_calendar import blackout_dates_between
from portal.integrations.buzzin.models import BuzzinUnit
from tests.factories import CommunityFactory, NocVersionFactory, UnitFactory

pytestmark = pytest.mark.django_db


def read(model, pk, *extra_models, join=""):
    sql = f"SELECT {rows.columns_sql(model, 't')}"
    for position, other in enumerate(extra_models):
        sql += f", {rows.columns_sql(other, f'x{position}')}"
    sql += f" FROM {rows.table_sql(model, 't')} {join} WHERE {rows.column_sql(model, 't', model._meta.pk.name)} = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return cursor.fetchone()


def values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


@pytest.mark.parametrize("kind", ["noc", "audit"])
def test_instances_from_rows_equal_the_querysets_in_values_and_types(kind):
    """Dates, booleans, JSON and moments come back as the ORM gives them (SQLite returns them as text and 0/1)."""
    if kind == "noc":
        stored = NocVersionFactory(issue_date=datetime.date(2026, 1, 5), is_current=True)
    else:
        stored = AuditEvent.objects.create(
            at=datetime.datetime(2026, 1, 5, 9, 30, 15, 123456, tzinfo=datetime.UTC),
            actor_label="test",
            target_type="permit",
            target_id="1",
            action="x.y",
            data={"a": [1, "b"]},
        )
    model = type(stored)
    made = rows.instance_from_row(model, read(model, stored.pk))
    expected = model.objects.get(pk=stored.pk)
    assert values(made) == values(expected)
    assert {name: type(value) for name, value in values(made).items()} == {
        name: type(value) for name, value in values(expected).items()
    }
    assert made._state.adding is False and made._state.db == connection.alias
    if kind == "noc":
        assert made.issue_date == datetime.date(2026, 1, 5) and made.is_current is True
    else:
        assert made.data == {"a": [1, "b"]}


def test_rows_start_where_the_columns_of_their_model_start():
    noc = NocVersionFactory()
    row = ("leading", *read(NocVersion, noc.pk))
    assert rows.instance_from_row(NocVersion, row, 1).pk == noc.pk


@pytest.mark.parametrize("linked", [True, False])
def test_a_left_joined_link_is_cached_and_a_missing_one_reads_as_does_not_exist_without_a_query(linked):
    unit = UnitFactory()
    if linked:
        BuzzinUnit.objects.create(unit=unit, buzzin_id="e" * 24)
    join = (
        f"LEFT JOIN {rows.table_sql(BuzzinUnit, 'x0')} "
        f"ON {rows.column_sql(BuzzinUnit, 'x0', 'unit')} = {rows.column_sql(Unit, 't', 'id')}"
    )
    row = read(Unit, unit.pk, BuzzinUnit, join=join)
    made = rows.instance_from_row(Unit, row)
    rows.link_from_row(made, "buzzin", row, rows.width(Unit))
    with CaptureQueriesContext(connection) as queries:
        if linked:
            assert made.buzzin.buzzin_id == "e" * 24
            assert made.buzzin.unit is made
        else:
            with pytest.raises(BuzzinUnit.DoesNotExist):
                made.buzzin  # noqa: B018
    assert not queries.captured_queries


def test_blackout_dates_are_read_for_the_window_only_and_the_community_only():
    community, other = CommunityFactory(), CommunityFactory()
    day = datetime.date(2026, 5, 10)
    for offset, reason in ((-1, "before"), (0, "first"), (3, ""), (5, "last"), (6, "after")):
        BlackoutDate.objects.create(community=community, date=day + datetime.timedelta(days=offset), reason=reason)
    BlackoutDate.objects.create(community=other, date=day + datetime.timedelta(days=1), reason="elsewhere")
    found = blackout_dates_between(community.pk, day, day + datetime.timedelta(days=5))
    assert found == {day: "first", day + datetime.timedelta(days=3): "", day + datetime.timedelta(days=5): "last"}
    later = day + datetime.timedelta(days=7)
    assert blackout_dates_between(community.pk, later, later + datetime.timedelta(days=2)) == {}
