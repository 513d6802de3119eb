"""Revoking a contractor lives here because it archives the contractor's permits."""

from __future__ import annotations

from django.db import transaction

from contractors.models import ContractorMembership
from contractors.services import membership_set_revoked
from portal.core.actors import Actor

from ..models import Permit
from ..transitions import TRANSITIONS, Move
from .lifecycle import permit_archive


@transaction.atomic
def contractor_revoke(
    *, actor: Actor, membership: ContractorMembership, reason: str, notify_buzzin: bool = True
) -> ContractorMembership:
    """Revoke a contractor in one community: its live permits are archived and lose their parking.

    Buzz-In archives the permits itself when told of the revocation, so no pass revoke is sent;
    ``notify_buzzin=False`` when the revocation came from Buzz-In.
    """
    membership = membership_set_revoked(actor=actor, membership=membership, reason=reason, notify_buzzin=notify_buzzin)
    archivable, _ = TRANSITIONS[Move.ARCHIVE]
    live = Permit.objects.filter(
        contractor_id=membership.contractor_id, community_id=membership.community_id, status__in=archivable
    ).values_list("pk", flat=True)
    for permit_id in live:
        permit_archive(actor=actor, permit=permit_id, reason=f"Contractor revoked: {reason}")
    return membership
