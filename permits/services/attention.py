"""A permit waiting for a person: something elsewhere refused it for a reason someone can fix."""

from __future__ import annotations

from django.utils import timezone

from contractors.choices import AttentionParty
from portal.core.actors import Actor
from portal.core.events import domain_service

from ..models import Permit
from ._common import audit_permit, lock_permit

FIELDS = ["attention_since", "attention_note", "attention_by", "updated_at"]


@domain_service
def permit_attention_raise(
    *, actor: Actor, permit: Permit | int, reason: str, by: str = AttentionParty.MANAGER
) -> Permit:
    """Show "Needs attention" with ``reason`` until it is sent again (``permit_attention_clear``)."""
    permit = lock_permit(permit)
    reason = (reason or "").strip()[:2000]
    if permit.attention_since and permit.attention_note == reason and permit.attention_by == by:
        return permit
    permit.attention_since = permit.attention_since or timezone.now()
    permit.attention_note, permit.attention_by = reason, by
    permit.save(update_fields=FIELDS)
    audit_permit(permit, "permits.permit.needs_attention", actor=actor, reason=reason, data={"by": by})
    return permit


@domain_service
def permit_attention_clear(*, actor: Actor, permit: Permit | int, note: str = "") -> bool:
    """The refusal is dealt with; returns whether there was one."""
    permit = lock_permit(permit)
    if permit.attention_since is None:
        return False
    permit.attention_since, permit.attention_note, permit.attention_by = None, "", ""
    permit.save(update_fields=FIELDS)
    audit_permit(permit, "permits.permit.attention_cleared", actor=actor, reason=note)
    return True
