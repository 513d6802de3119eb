"""``postgresql_indexes``: the indexes exist on PostgreSQL after the forward step and are gone after the
reverse one; the embedded SQLite default gets none."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from portal.core.migration_ops import postgresql_indexes

pytestmark = pytest.mark.django_db

NAME = "test_community_named_idx"


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        return {
            name
            for name, info in connection.introspection.get_constraints(cursor, "core_community").items()
            if info["index"]
        }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_created_forward_and_dropped_backward_on_postgresql():
    operation = postgresql_indexes("core_community", {NAME: "(name)"}, where="time_zone <> ''")
    with connection.schema_editor() as editor:
        operation.code(apps, editor)
    assert NAME in index_names()
    with connection.schema_editor() as editor:
        operation.reverse_code(apps, editor)
    assert NAME not in index_names()


def test_nothing_is_run_on_another_database():
    class Editor:  # SQLite's schema editor cannot open inside the test's transaction: a stand-in records
        connection = SimpleNamespace(vendor="sqlite")
        executed: list[str] = []

        def execute(self, sql):
            self.executed.append(sql)

    operation = postgresql_indexes("core_community", {NAME: "(name)"})
    operation.code(apps, Editor())
    operation.reverse_code(apps, Editor())
    assert Editor.executed == []
