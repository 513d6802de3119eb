"""``PercentileCont``: the continuous percentile of a column per group, in the database.

PostgreSQL has it (``percentile_cont(p) WITHIN GROUP (ORDER BY x)``). SQLite has none, so each new
SQLite connection gets ``portal_percentile(x, p)``, a Python aggregate computing the same value
(linear interpolation between the two nearest ranks), registered when the connection opens
(``register_sqlite_percentile``; wired in ``CoreConfig.ready``).
"""

from __future__ import annotations

import math

from django.db.models import Aggregate, FloatField

SQLITE_FUNCTION = "portal_percentile"


class PercentileCont(Aggregate):
    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile is a fraction from 0 to 1.")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function=SQLITE_FUNCTION,
            template="%(function)s(%(expressions)s, %(fraction)s)",
            **extra_context,
        )


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """The value below which ``fraction`` of ``values`` lie, interpolated as PostgreSQL does."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class _SqlitePercentile:
    def __init__(self):
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value, fraction):
        if value is not None:
            self.values.append(value)
        self.fraction = fraction

    def finalize(self):
        return percentile_cont(self.values, self.fraction)


def register_sqlite_percentile(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_FUNCTION, 2, _SqlitePercentile)
