"""Lookups the ORM lacks."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup


class AnyOf(Lookup):
    """``column = ANY(%s)`` with the values as one array on PostgreSQL; ``IN (...)`` elsewhere.

    ``filter(field__in=ids)`` binds one parameter per value and prepares each through the field: for the thousands of
    ids of an expiry batch that is a good part of the query's cost on the client. Use it as an expression:
    ``Vehicle.objects.filter(AnyOf(F("permit_id"), ids))``; the values must already be of the column's type.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        values = self._values()
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs_sql} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)

    def as_postgresql(self, compiler, connection):
        values = self._values()
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs_sql} = ANY(%s)", (*lhs_params, values)

    def _values(self) -> list:
        values = list(self.rhs)
        if not values:
            raise EmptyResultSet  # as ``__in=[]``: the query matches nothing
        return values
