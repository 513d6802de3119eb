"""Operations the portal's migrations share. Applied migrations import them: keep their behaviour fixed.

``postgresql_indexes`` creates indexes the model state cannot express (an expression, ``INCLUDE``, a
condition on another app's table), on PostgreSQL only: the embedded SQLite default has no use for them.
"""

from __future__ import annotations

from django.db import migrations


def postgresql_indexes(table: str, indexes: dict[str, str], *, where: str = "") -> migrations.RunPython:
    """Create ``indexes`` (name → columns as SQL) on ``table``, with an optional ``where`` condition; drop them
    on reverse."""
    condition = f" WHERE {where}" if where else ""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name, columns in indexes.items():
                schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" {columns}{condition}')

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name in indexes:
                schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop, elidable=False)
