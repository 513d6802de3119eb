"""A permit waiting for a person: something elsewhere refused it for a reason someone can fix."""

from __future__ import annotations

from contractors.attention import ATTENTION_FIELDS, attention_cleared, attention_raised
from contractors.choices import AttentionParty
from portal.core.actors import Actor
from portal.core.events import domain_service

from ..models import Permit
from ._common import audit_permit, lock_permit

FIELDS = [*ATTENTION_FIELDS, "updated_at"]


@domain_service
def permit_attention_raise(
    *,
    actor: Actor,
    permit: Permit | int,
    reason: str,
    by: str = AttentionParty.MANAGER,
    params: dict | None = None,
) -> Permit:
    """Show "Needs attention" with ``reason`` until it is sent again (``permit_attention_clear``); with
    ``params``, ``reason`` is a ``gettext_noop`` template shown in the reader's language."""
    permit = lock_permit(permit)
    if not attention_raised(permit, reason, by, params):
        return permit
    permit.save(update_fields=FIELDS)
    data = {"by": by, **({"reason_i18n": permit.attention_reason} if permit.attention_reason else {})}
    audit_permit(permit, "permits.permit.needs_attention", actor=actor, reason=permit.attention_note, data=data)
    return permit


@domain_service
def permit_attention_clear(*, actor: Actor, permit: Permit | int, note: str = "") -> bool:
    """The refusal is dealt with; returns whether there was one."""
    permit = lock_permit(permit)
    if not attention_cleared(permit):
        return False
    permit.save(update_fields=FIELDS)
    audit_permit(permit, "permits.permit.attention_cleared", actor=actor, reason=note)
    return True
