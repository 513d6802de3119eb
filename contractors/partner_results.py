"""Writes that record what Buzz-In answered to the portal's own calls (webhooks are ``partner_events``).

The integrations layer never writes domain rows itself: it calls these, one transaction and one
audit event each, and only when something actually changed (a redelivered answer writes nothing).
"""

from __future__ import annotations

from django.db import transaction

from portal.core.actors import Actor
from portal.core.services import audit_record

from .choices import BuzzinContractorState
from .models import ContractorMembership

BUZZIN = "Buzz-In"


@transaction.atomic
def membership_record_buzzin_id(
    *,
    membership: ContractorMembership,
    buzzin_id: str = "",
    buzzin_state: BuzzinContractorState | None = None,
    actor: Actor | None = None,
) -> ContractorMembership:
    """Remember the contractor's Buzz-In id and, when given, its standing there."""
    membership = (
        ContractorMembership.objects.select_for_update().select_related("contractor", "community").get(pk=membership.pk)
    )
    before = (membership.buzzin_id, membership.buzzin_state)
    membership.buzzin_id = buzzin_id or membership.buzzin_id
    membership.buzzin_state = buzzin_state or membership.buzzin_state
    if (membership.buzzin_id, membership.buzzin_state) == before:
        return membership
    membership.save(update_fields=["buzzin_id", "buzzin_state"])
    audit_record(
        actor=actor or Actor.partner(BUZZIN),
        target=membership,
        action="contractors.membership.buzzin_recorded",
        community=membership.community,
        from_status=before[1],
        to_status=membership.buzzin_state,
        data={"buzzin_id": membership.buzzin_id},
    )
    return membership
