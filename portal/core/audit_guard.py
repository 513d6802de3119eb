"""The audit log is append-only where it lives: database triggers refuse every UPDATE and DELETE of its rows.

Installed by migration ``core.0004`` on PostgreSQL and SQLite alike; ``AuditEvent`` itself refuses ``save()``
on a stored row, ``delete()``, and queryset ``update()``/``delete()`` (see ``models/audit.py``). The triggers
name no column, so fields added to ``AuditEvent`` later are covered without touching them.

Emptying the whole database stays possible, deliberately:

- PostgreSQL: Django's ``flush`` (and so every TransactionTestCase/live-server test between tests) empties
  tables with ``TRUNCATE``, which fires no row-level trigger. Nothing is switched off, ever: a raw ``DELETE``
  or ``UPDATE`` of an audit row fails in production as anywhere else.
- SQLite (development and the embedded test run): ``flush`` empties tables with ``DELETE FROM``, which the
  triggers refuse. The project's ``flush`` command (``portal/core/management/commands/flush.py``) drops them
  and installs them again around Django's flush, in one transaction: if anything fails, the drop is rolled
  back with it. Only ``flush`` does this, never a code path of the application.

A migration that makes SQLite rebuild ``core_auditevent`` (some field changes copy the table into a new one)
loses the triggers with the old table: end such a migration with ``RunPython(install, ...)`` again.
``tests/domain/test_audit_append_only.py`` fails if the triggers are missing after the migrations.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction

TABLE = "core_auditevent"
REFUSAL = "audit events are append-only"

_POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL}: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END
$$"""
_SQLITE_OPERATIONS = ("UPDATE", "DELETE")


def install(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _install_statements(connection.vendor):
            cursor.execute(statement)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _uninstall_statements(connection.vendor):
            cursor.execute(statement)


def install_for_migration(apps, schema_editor) -> None:
    install(schema_editor.connection)


def uninstall_for_migration(apps, schema_editor) -> None:
    uninstall(schema_editor.connection)


@contextmanager
def open_for_flush(connection):
    """Around Django's flush only: on SQLite, the triggers are away while every table is emptied."""
    if connection.vendor != "sqlite":
        yield  # PostgreSQL flushes with TRUNCATE, which row triggers do not see
        return
    with transaction.atomic(using=connection.alias):
        uninstall(connection)
        yield
        install(connection)


def _install_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            _POSTGRESQL_FUNCTION,
            f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()",
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_{operation.lower()} BEFORE {operation} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: {operation} refused'); END"
            for operation in _SQLITE_OPERATIONS
        ]
    return []


def _uninstall_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
            f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
        ]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {TABLE}_no_{operation.lower()}" for operation in _SQLITE_OPERATIONS]
    return []
