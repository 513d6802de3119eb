"""Rows of the integrations' own tables, created on first use and locked while they change."""

from __future__ import annotations

from django.db import IntegrityError, transaction


def locked_row(model, **key):
    """The row for ``key``, locked; created first when missing (a concurrent create is tolerated)."""
    rows = model.objects.select_for_update()
    try:
        return rows.get(**key)
    except model.DoesNotExist:
        try:
            with transaction.atomic():
                model.objects.create(**key)
        except IntegrityError:
            pass
        return rows.get(**key)
