"""Reads on a hot path written once as SQL, from the models' own metadata, and turned into instances as a
queryset turns them.

The ORM builds and compiles a query on every call: for the API create's joined contractor lookup that is
about 1 ms of CPU, ten times the database's own work. A read that runs on every request of a hot path can
instead cache its statement per process (``functools.cache``), name its columns with ``columns_sql`` and
build its instances with ``instance_from_row`` (``Model.from_db``, what a queryset calls): the same objects,
the same deferred-loading behaviour, none of the per-call building.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


def table_sql(model: type[models.Model], alias: str) -> str:
    """``"app_model" alias``: the model's table under a short name."""
    return f"{connection.ops.quote_name(model._meta.db_table)} {alias}"


def column_sql(model: type[models.Model], alias: str, field_name: str) -> str:
    """``alias."column"`` of one field (its column, not its name: ``contractor_id`` for ``contractor``)."""
    return f"{alias}.{connection.ops.quote_name(model._meta.get_field(field_name).column)}"


def columns_sql(model: type[models.Model], alias: str) -> str:
    """Every concrete column of ``model`` under ``alias``, in the order ``instance_from_row`` reads them."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def instance_from_row(model: type[M], row: Sequence, start: int = 0) -> M:
    """The instance whose ``columns_sql`` begin at ``row[start]``, as a queryset would make it: each value through
    its field's ``from_db_value`` and the backend's converters (SQLite hands back dates and booleans as text
    and numbers)."""
    attnames, converters = _reading(model, connection.vendor)
    values = list(row[start : start + len(attnames)])
    for position, expression, convert in converters:
        values[position] = convert(values[position], expression, connection)
    return model.from_db(connection.alias, attnames, values)


@functools.cache
def _reading(model: type[models.Model], vendor: str) -> tuple[list[str], list[tuple]]:
    fields = model._meta.concrete_fields
    converters = []
    for position, field in enumerate(fields):
        expression = field.get_col(model._meta.db_table)
        for convert in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
            converters.append((position, expression, convert))
    return [field.attname for field in fields], converters


def link_from_row(instance: models.Model, accessor: str, row: Sequence, start: int) -> None:
    """Cache ``instance``'s reverse one-to-one ``accessor`` (a partner's link row) from the LEFT JOINed columns at
    ``row[start]``, as ``select_related`` does: no row there (a NULL id) reads as ``DoesNotExist``, with no query."""
    relation = instance._meta.get_field(accessor)
    link = None
    if row[start] is not None:
        link = instance_from_row(relation.related_model, row, start)
        relation.field.set_cached_value(link, instance)
    relation.set_cached_value(instance, link)


def width(model: type[models.Model]) -> int:
    """How many columns ``columns_sql`` names."""
    return len(model._meta.concrete_fields)
