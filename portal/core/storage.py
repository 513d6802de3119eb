"""Files are written before the transaction that attaches them, never under a row lock.

``file_stored_first`` writes the file, hands a ``StoredFile`` to the block, and removes the file
again unless a transaction attached it and committed. A service that attaches the file calls
``StoredFile.attach()`` inside its transaction and stores the returned name; a change rolled back
(or never made) therefore leaves no orphaned file behind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import connection, transaction

logger = logging.getLogger(__name__)


@dataclass
class StoredFile:
    name: str
    original_name: str = ""
    content_type: str = ""
    size: int = 0
    attached: bool = False
    committed: bool = False

    def attach(self) -> str:
        """The storage name to save on the row; the file stays once this transaction commits."""
        self.attached = True
        transaction.on_commit(self._mark_committed)
        return self.name

    def _mark_committed(self) -> None:
        self.committed = True


@contextmanager
def file_stored_first(
    content, *, path: str, original_name: str = "", content_type: str = "", size: int | None = None
) -> Iterator[StoredFile]:
    """Write ``content`` under ``path`` (storage may adjust the name) before any transaction opens."""
    name = default_storage.save(path, content)
    stored = StoredFile(
        name=name,
        original_name=original_name,
        content_type=content_type,
        size=size if size is not None else getattr(content, "size", 0) or 0,
    )
    try:
        yield stored
    finally:
        _remove_unless_kept(stored)


def _remove_unless_kept(stored: StoredFile) -> None:
    if stored.committed:
        return
    if stored.attached and connection.in_atomic_block:
        return  # an outer transaction is still open: whether it commits is not known here
    try:
        default_storage.delete(stored.name)
    except OSError:
        logger.warning("could not remove the unused file %s", stored.name)
