"""Rows of the integrations' own tables, created on first use and locked while they change."""

from __future__ import annotations

from django.db import IntegrityError, transaction


def locked_row(model, **key):
    """The row for ``key``, locked; created first when missing (a concurrent create is tolerated)."""
    return locked_or_created_row(model, **key)[0]


def locked_or_created_row(model, defaults: dict | None = None, **key):
    """``(row, created)``: the row for ``key``, locked; when missing, created with ``defaults``.

    A row this transaction inserted is locked by the insert itself and holds what was written, so it is not
    read again. A concurrent create wins: its row is read, locked, and returned as found (``created`` False).
    """
    rows = model.objects.select_for_update()
    row = rows.filter(**key).first()
    if row is not None:
        return row, False
    try:
        with transaction.atomic():
            return model.objects.create(**key, **(defaults or {})), True
    except IntegrityError:
        return rows.get(**key), False
