"""Writes to the portal's own record of Buzz-In (ids, Buzz-In's view of states, the order of its webhooks).

Each is one transaction with an audit event, written only when something changed, so a redelivered
answer or webhook writes nothing. The domain rows are never written here: that is the domain services' job.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from contractors.models import Contractor, ContractorMembership
from permits.models import Permit
from portal.core.actors import Actor
from portal.core.events import event_record

from ..locking import locked_or_created_row, locked_row
from .models import BuzzinContractor, BuzzinContractorState, BuzzinMembership, BuzzinPermit

BUZZIN = Actor.partner("Buzz-In")


def permit_buzzin_id(permit: Permit | int) -> str:
    """Buzz-In's id of the permit; from its link when the permit was read with it (``select_related("buzzin")``)."""
    if isinstance(permit, Permit) and Permit.buzzin.is_cached(permit):
        link = getattr(permit, "buzzin", None)
        return link.buzzin_id if link is not None else ""
    permit_id = permit.pk if isinstance(permit, Permit) else permit
    return BuzzinPermit.objects.filter(permit_id=permit_id).values_list("buzzin_id", flat=True).first() or ""


def contractor_buzzin_id(contractor_id: int) -> str:
    return (
        BuzzinContractor.objects.filter(contractor_id=contractor_id).values_list("buzzin_id", flat=True).first() or ""
    )


def membership_buzzin_state(membership_id: int) -> str:
    state = BuzzinMembership.objects.filter(membership_id=membership_id).values_list("state", flat=True).first()
    return state or BuzzinContractorState.NOT_SENT


def contractor_approved_at_buzzin(contractor_id: int, community_id: int) -> bool:
    """Whether Buzz-In approved the company in this community (its membership's state there)."""
    return BuzzinMembership.objects.filter(
        membership__contractor_id=contractor_id,
        membership__community_id=community_id,
        state=BuzzinContractorState.APPROVED,
    ).exists()


@transaction.atomic
def buzzin_permit_record_id(*, permit: Permit, buzzin_id: str, status_name: str = "") -> BuzzinPermit:
    """Buzz-In created (or already held) the permit under ``buzzin_id``.

    ``status_name`` is kept only until a webhook has spoken: webhooks are applied in Buzz-In's order,
    an answer to our own call carries no such order.
    """
    status = status_name[:32]
    link, created = locked_or_created_row(BuzzinPermit, {"buzzin_id": buzzin_id, "status": status}, permit_id=permit.pk)
    changed = bool(buzzin_id or status) if created else _permit_link_update(link, buzzin_id, status)
    if changed:
        event_record(
            actor=BUZZIN,
            target=permit,
            action="integrations.buzzin.permit_recorded",
            community=permit.community,
            data={"buzzin_id": link.buzzin_id, "buzzin_status": link.status},
        )
    return link


def _permit_link_update(link: BuzzinPermit, buzzin_id: str, status: str) -> bool:
    """Write what the answer changes on an existing link; False when it changes nothing."""
    changed = []
    if buzzin_id and buzzin_id != link.buzzin_id:
        link.buzzin_id = buzzin_id
        changed.append("buzzin_id")
    if status and link.event_at is None and status != link.status:
        link.status = status
        changed.append("status")
    if changed:
        link.save(update_fields=changed)
    return bool(changed)


def buzzin_permit_note_event(link: BuzzinPermit, *, event_at: datetime.datetime, status_name: str, fresh: bool) -> None:
    """Remember the newest webhook applied (and Buzz-In's status then); an older one only fills gaps."""
    if fresh:
        link.event_at = event_at
        link.status = status_name[:32] or link.status
    elif not link.status:
        link.status = status_name[:32]
    link.save()


@transaction.atomic
def buzzin_contractor_record_id(*, contractor: Contractor, buzzin_id: str) -> BuzzinContractor:
    """The company's one Buzz-In id (global at Buzz-In, whatever the community)."""
    link = locked_row(BuzzinContractor, contractor_id=contractor.pk)
    if buzzin_id and link.buzzin_id != buzzin_id:
        previous, link.buzzin_id = link.buzzin_id, buzzin_id
        link.save()
        event_record(
            actor=BUZZIN,
            target=contractor,
            action="integrations.buzzin.contractor_recorded",
            community=None,
            data={"buzzin_id": buzzin_id, "previous": previous},
        )
    return link


@transaction.atomic
def buzzin_membership_record(
    *,
    membership: ContractorMembership,
    state: BuzzinContractorState | None = None,
    buzzin_id: str = "",
    event_at: datetime.datetime | None = None,
    actor: Actor = BUZZIN,
) -> bool:
    """The company's standing at this community's Buzz-In (and its id); False when nothing changed."""
    if buzzin_id:
        buzzin_contractor_record_id(contractor=membership.contractor, buzzin_id=buzzin_id)
    link = locked_row(BuzzinMembership, membership_id=membership.pk)
    before = link.state
    link.state = state or link.state
    link.event_at = event_at or link.event_at
    link.save()
    if link.state == before:
        return False
    event_record(
        actor=actor,
        target=membership,
        action=f"integrations.buzzin.membership_{link.state}",
        community=membership.community,
        from_status=before,
        to_status=link.state,
    )
    return True
