"""Revoking a contractor lives here because it archives the contractor's permits."""

from __future__ import annotations

from contractors.models import ContractorMembership
from contractors.services import membership_set_revoked
from portal.core.actors import Actor
from portal.core.events import domain_service

from ..models import Permit
from ..transitions import TRANSITIONS, Move
from .lifecycle import permit_archive


@domain_service
def contractor_revoke(*, actor: Actor, membership: ContractorMembership, reason: str) -> ContractorMembership:
    """Revoke a contractor in one community: its live permits there are archived (and lose their pass and parking).

    Whoever told us (a property manager, or a partner that removed the company itself) is the event's actor;
    subscribers do not echo a change back to the partner it came from.
    """
    membership = membership_set_revoked(actor=actor, membership=membership, reason=reason)
    archivable, _ = TRANSITIONS[Move.ARCHIVE]
    live = Permit.objects.filter(
        contractor_id=membership.contractor_id, community_id=membership.community_id, status__in=archivable
    ).values_list("pk", flat=True)
    for permit_id in live:
        permit_archive(actor=actor, permit=permit_id, reason=f"Contractor revoked: {reason}")
    return membership
