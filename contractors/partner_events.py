"""Writes that follow what Buzz-In reports about a contractor, applied in the order Buzz-In made them."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.db import transaction

from portal.core.actors import Actor
from portal.core.services import audit_record

from .choices import BuzzinContractorState
from .models import ContractorMembership


class PartnerOutcome(NamedTuple):
    """What a partner event did: ``applied`` False means it was stale or already true (nothing changed)."""

    applied: bool
    note: str
    target: Any = None


def is_stale(last_applied_at: datetime.datetime | None, event_at: datetime.datetime) -> bool:
    """An event created before the last one applied must not overwrite what that one set."""
    return last_applied_at is not None and event_at < last_applied_at


@transaction.atomic
def membership_apply_buzzin_state(
    *,
    actor: Actor,
    membership: ContractorMembership,
    state: BuzzinContractorState,
    event_at: datetime.datetime,
    buzzin_id: str = "",
) -> PartnerOutcome:
    """Record the contractor's standing at Buzz-In (approved or removed there) and its Buzz-In id."""
    membership = (
        ContractorMembership.objects.select_for_update().select_related("contractor", "community").get(pk=membership.pk)
    )
    if is_stale(membership.buzzin_event_at, event_at):
        return PartnerOutcome(False, "older than the last applied Buzz-In event: ignored", membership)
    from_state, from_id = membership.buzzin_state, membership.buzzin_id
    membership.buzzin_state = state
    membership.buzzin_id = buzzin_id or membership.buzzin_id
    membership.buzzin_event_at = event_at
    membership.save(update_fields=["buzzin_state", "buzzin_id", "buzzin_event_at"])
    if (from_state, from_id) == (membership.buzzin_state, membership.buzzin_id):
        return PartnerOutcome(False, f"already {state.label.lower()}", membership)
    audit_record(
        actor=actor,
        target=membership,
        action=f"contractors.membership.buzzin_{state}",
        community=membership.community,
        from_status=from_state,
        to_status=membership.buzzin_state,
        data={"buzzin_id": membership.buzzin_id},
    )
    return PartnerOutcome(True, f"{state.label.lower()} ({membership.contractor})", membership)
