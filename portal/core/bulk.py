"""Many new rows of one model in one write, each object given its id: ``bulk_create`` for thousands.

The expiry sweep writes 5,000 audit events and a few thousand outbox rows a batch. ``bulk_create``
prepares every value through the ORM and sends each column as an array parameter: at that size this
costs four to five times the server's own work. From ``COPY_FROM_ROWS`` rows on PostgreSQL, ids are
drawn from the table's sequence in one statement and the rows go in by ``COPY``: two round trips,
whatever the number of rows. Fewer rows, or another database, go through ``bulk_create`` (one INSERT is
one round trip, which is what a create of one permit wants).

The values written are those ``bulk_create`` would write: ``pre_save`` (``auto_now`` stamps), JSON
through the field's encoder, the rest as psycopg adapts it. ``COPY`` is not a cursor ``execute``, so it
is added to the connection's query log by hand (tests and the bench count it as one statement).

``objects_new`` builds the unsaved instances themselves for such batches: ``Model(**values)`` costs about ten
microseconds a row (matching every keyword against every field), which is most of a batch's Python.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import attrgetter
from typing import TypeVar

from django.db import connection, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=models.Model)

COPY_FROM_ROWS = 200


def objects_insert(objects: Sequence[M], *, copy_from_rows: int = COPY_FROM_ROWS) -> list[M]:
    """Insert ``objects`` (new, all of one model) and set their primary keys; returns them."""
    objects = list(objects)
    if not objects:
        return objects
    if connection.vendor != "postgresql" or len(objects) < copy_from_rows:
        return type(objects[0]).objects.bulk_create(objects)
    model = type(objects[0])
    ids = _ids_drawn(model, len(objects))
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    read = _row_reader([field.attname for field in fields])
    converted = [(index + 1, convert) for index, field in enumerate(fields) if (convert := _converter(field))]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in [model._meta.pk, *fields])
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for pk, instance in zip(ids, objects, strict=True):
            instance.pk = pk
            row = [pk, *read(instance)]
            for position, convert in converted:
                row[position] = convert(instance)
            copy.write_row(row)
    _logged(f"{statement} -- {len(objects)} rows", started)
    alias = connection.alias  # once: ``connection`` is a proxy looked up per thread on every attribute read
    for instance in objects:
        instance._state.adding = False
        instance._state.db = alias
    return objects


def objects_new(model: type[M], rows: Iterable[Mapping[str, object]]) -> list[M]:
    """Unsaved instances of ``model``, one per row of attribute values (``attname``: ``actor_id``, not ``actor``),
    as ``model(**row)`` would make them: the fields a row leaves out get their defaults. A model whose instances
    something listens to (``pre_init``/``post_init``) is built the ordinary way."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return [model(**row) for row in rows]
    fixed, computed, attnames = _defaults(model)
    objects = []
    for row in rows:
        if not row.keys() <= attnames:
            raise TypeError(f"{model.__name__} has no field {sorted(row.keys() - attnames)}")
        instance = model.__new__(model)
        instance._state = ModelState()
        values = instance.__dict__
        values.update(fixed)
        for attname, default in computed:
            if attname not in row:
                values[attname] = default()
        values.update(row)
        objects.append(instance)
    return objects


@functools.cache
def _defaults(model: type[models.Model]) -> tuple[dict[str, object], tuple[tuple[str, Callable], ...], frozenset[str]]:
    """A model's defaults, once: the constant ones as values, the others (``dict``, ``timezone.now``, a database
    default) as ``Field.get_default`` to call for each instance; and the names a row may give."""
    fixed, computed = {}, []
    for field in model._meta.concrete_fields:
        if (field.has_default() and callable(field.default)) or field.has_db_default():
            computed.append((field.attname, field.get_default))
        else:
            fixed[field.attname] = field.get_default()
    return fixed, tuple(computed), frozenset(field.attname for field in model._meta.concrete_fields)


def _ids_drawn(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh ids from the table's sequence, ascending (rows keep the order they were given in)."""
    table = model._meta.db_table
    sql = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) ORDER BY 1"
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.quote_name(table), model._meta.pk.column, count])
        return [row[0] for row in cursor.fetchall()]


def _row_reader(attnames: list[str]) -> Callable[[models.Model], tuple]:
    """Every column's attribute of an instance in one call (``attrgetter``, in C) instead of a Python call per
    column and row."""
    read = attrgetter(*attnames)
    return read if len(attnames) > 1 else lambda instance: (read(instance),)


def _converter(field: models.Field) -> Callable[[models.Model], object] | None:
    """How a column's value is written when it is not the attribute as psycopg adapts it, else None."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda instance: field.pre_save(instance, True)
    if isinstance(field, models.JSONField):
        attname, encode = field.attname, (field.encoder or json.JSONEncoder)().encode  # one encoder for every row

        def json_text(instance):
            value = getattr(instance, attname)
            return None if value is None else encode(value)  # None is SQL NULL, as Django writes it

        return json_text
    return None


def _logged(sql: str, started: float) -> None:
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
