"""The "needs attention" state shared by a company's membership and a permit: one rule for both.

Raising again with the same reason and party changes nothing (no second event, no second
notification); a new reason keeps the moment it first needed attention."""

from __future__ import annotations

from django.utils import timezone

ATTENTION_FIELDS = ["attention_since", "attention_note", "attention_by"]


def attention_raised(row, reason: str, by: str) -> bool:
    """Set the row's attention fields (not saved); False when it already said exactly this."""
    reason = (reason or "").strip()[:2000]
    if row.attention_since and row.attention_note == reason and row.attention_by == by:
        return False
    row.attention_since = row.attention_since or timezone.now()
    row.attention_note, row.attention_by = reason, by
    return True


def attention_cleared(row) -> bool:
    """Clear the row's attention fields (not saved); False when there was nothing to clear."""
    if row.attention_since is None:
        return False
    row.attention_since, row.attention_note, row.attention_by = None, "", ""
    return True
