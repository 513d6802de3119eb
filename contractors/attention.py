"""The "needs attention" state shared by a company's membership and a permit: one rule for both.

Raising again with the same reason and party changes nothing (no second event, no second
notification); a new reason keeps the moment it first needed attention.

A reason is an English sentence, kept as written for the audit trail, e-mails and search. When the
caller gives ``params``, the reason is a template marked with ``gettext_noop`` and the page shows it in
the reader's language (``attention_text``); the values (a partner's own words, a plate) stay as they are.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import AttentionParty

ATTENTION_FIELDS = ["attention_since", "attention_note", "attention_by", "attention_reason"]
NOTE_CHARS = 2000


def attention_raised(row, reason: str, by: str, params: dict | None = None) -> bool:
    """Set the row's attention fields (not saved); False when it already said exactly this."""
    note = _filled(reason, params).strip()[:NOTE_CHARS]
    if row.attention_since and row.attention_note == note and row.attention_by == by:
        return False
    row.attention_since = row.attention_since or timezone.now()
    row.attention_note, row.attention_by = note, by
    row.attention_reason = {"text": reason, "params": {k: str(v) for k, v in params.items()}} if params else {}
    return True


def attention_cleared(row) -> bool:
    """Clear the row's attention fields (not saved); False when there was nothing to clear."""
    if row.attention_since is None:
        return False
    row.attention_since, row.attention_note, row.attention_by, row.attention_reason = None, "", "", {}
    return True


def attention_text(note: str, reason: dict | None) -> str:
    """The note in the active language when it was raised from a template, else as stored."""
    if not reason or not reason.get("text"):
        return note
    try:
        return gettext(reason["text"]) % reason.get("params", {})
    except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder: the English stands
        return note


def _filled(reason: str, params: dict | None) -> str:
    return reason % params if params else reason


class NeedsAttention(models.Model):
    """The attention fields both rows carry (each declares its own ``attention_since``, whose help differs)."""

    attention_note = models.TextField(
        blank=True, help_text=_("Why it needs attention, in plain words."), verbose_name=_("attention note")
    )
    attention_by = models.CharField(
        max_length=16,
        blank=True,
        choices=AttentionParty.choices,
        help_text=_("Who must act on it."),
        verbose_name=_("attention by"),
    )
    attention_reason = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text=_("The note's sentence and values, to show it in the reader's language."),
        verbose_name=_("attention reason"),
    )

    class Meta:
        abstract = True

    @property
    def attention_text(self) -> str:
        """The note in the reader's language (templates call it)."""
        return attention_text(self.attention_note, self.attention_reason)
