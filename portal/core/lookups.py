"""Lookups the ORM lacks."""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup


def among_sql(column_sql: str, values: Collection, vendor: str) -> tuple[str, list]:
    """``column = ANY(%s)`` with the values as one array on PostgreSQL, ``column IN (%s, …)`` elsewhere.

    Binding one parameter per value (what ``__in`` does) costs the client more than the server's own work for the
    thousands of ids of an expiry batch. For raw SQL (the sweep's ``UPDATE … RETURNING``) and ``AnyOf``."""
    if vendor == "postgresql":
        return f"{column_sql} = ANY(%s)", [list(values)]
    return f"{column_sql} IN ({', '.join(['%s'] * len(values))})", list(values)


class AnyOf(Lookup):
    """``among_sql`` in a queryset: ``Vehicle.objects.filter(AnyOf(F("permit_id"), ids))``. The values must already
    be of the column's type (they are not prepared through the field); no values match nothing, as ``__in=[]``."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        values = list(self.rhs)
        if not values:
            raise EmptyResultSet
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        sql, params = among_sql(lhs_sql, values, connection.vendor)
        return sql, (*lhs_params, *params)
