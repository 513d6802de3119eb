"""What applying a report from outside (a partner's webhook, an answer to our call) did."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple


class PartnerOutcome(NamedTuple):
    """``applied`` False means nothing changed (stale, already true, or not applicable); ``note`` says why."""

    applied: bool
    note: str
    target: Any = None


def is_stale(last_applied_at: datetime.datetime | None, event_at: datetime.datetime) -> bool:
    """An event created before the last one applied must not overwrite what that one set."""
    return last_applied_at is not None and event_at < last_applied_at
