"""Rows a transaction has just written, kept on their permit so that reading them back costs no query."""

from __future__ import annotations

from django.db import models


def rows_in_hand(obj: models.Model, **related: list) -> None:
    """Set ``obj``'s related rows (by the name of the relation: ``workers``, ``noc_versions`` ...) as if they
    had been prefetched: ``obj.workers.all()`` then answers from memory. Only for rows this very transaction
    wrote, and only where nothing else changes them before they are read (an answer built at once)."""
    cache = obj.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        queryset = getattr(obj, name).all()  # as Django's prefetch leaves it: other queries still go to the database
        queryset._result_cache, queryset._prefetch_done = list(rows), True
        cache[name] = queryset
