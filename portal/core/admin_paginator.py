"""A paginator that does not count a huge unfiltered table row by row (the permit list, the webhook inbox)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL, an unfiltered list uses the planner's row estimate (``pg_class.reltuples``).

    Filtered lists, small tables and other databases get the exact ``COUNT(*)``. Pair it with
    ``show_full_result_count = False`` so the admin does not count the whole table again.
    """

    estimate_above = 100_000

    @cached_property
    def count(self) -> int:
        counted = self._estimated_or_exact()
        return counted if counted is not None else super().count

    def _estimated_or_exact(self) -> int | None:
        """One statement either way: the estimate for a big table, else the exact count (evaluated lazily)."""
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or queryset.query.where or queryset.query.distinct:
            return None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        table = queryset.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN c.reltuples > %s THEN c.reltuples::bigint "
                f"ELSE (SELECT COUNT(*) FROM {connection.ops.quote_name(table)}) END "
                "FROM pg_class c WHERE c.oid = to_regclass(%s)",
                [self.estimate_above, table],
            )
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else None
