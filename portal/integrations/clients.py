"""Partner clients are built once per (URL, credentials) and process, each with its own pooled session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from django.views.decorators.debug import sensitive_variables

T = TypeVar("T")

_lock = threading.Lock()
_clients: dict[tuple, object] = {}


@sensitive_variables()  # the cache key holds the credentials
def cached_client(key: tuple, build: Callable[[], T]) -> T:
    """The client for ``key`` (which holds every setting it was built from: a changed setting builds anew)."""
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = build()
        return client  # type: ignore[return-value]
