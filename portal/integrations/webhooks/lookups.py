"""Which permit or contractor membership an event is about."""

from __future__ import annotations

from contractors.models import ContractorMembership
from permits.models import Permit
from portal.core.models import Community

from ..buzzin.models import BuzzinCommunity
from .envelope import Envelope, text

BUZZIN_ID_LENGTH = 24
REFERENCE_LENGTH = 18


class TargetMissing(LookupError):
    """No permit or membership matches (yet): the event is tried again later, then marked failed."""


def permit_for(envelope: Envelope) -> Permit:
    """By ``data.permitId`` (Buzz-In's id) first, then ``data.salesforceId`` (our public reference)."""
    permit_id = text(envelope.data, "permitId", BUZZIN_ID_LENGTH)
    reference = text(envelope.data, "salesforceId", REFERENCE_LENGTH)
    permits = Permit.objects.select_related("community", "contractor", "property", "main_unit")
    if permit_id:
        permit = permits.filter(buzzin__buzzin_id=permit_id).order_by("pk").first()
        if permit is not None:
            return permit
    if reference:
        permit = permits.filter(reference=reference).first()
        if permit is not None:
            return permit
    raise TargetMissing(f"no permit with permitId {permit_id or '-'} or salesforceId {reference or '-'}")


def membership_for(envelope: Envelope) -> ContractorMembership:
    """By ``communityContractorId`` then ``salesforceId`` (the contractor's reference), within the community.

    When no community has the envelope's ``communityId``, any membership matching one of the ids is taken,
    provided there is exactly one.
    """
    buzzin_id = text(envelope.data, "communityContractorId", BUZZIN_ID_LENGTH)
    reference = text(envelope.data, "salesforceId", REFERENCE_LENGTH)
    memberships = ContractorMembership.objects.select_related("contractor", "community")
    community = community_for(envelope.community_id)
    if community is not None:
        memberships = memberships.filter(community=community)
    lookups = [("contractor__buzzin__buzzin_id", buzzin_id), ("contractor__reference", reference)]
    for field, value in lookups:
        if not value:
            continue
        found = list(memberships.filter(**{field: value})[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise TargetMissing(f"several memberships match {value}; the community is unknown")
    where = f"community {community}" if community else "any community"
    raise TargetMissing(
        f"no contractor with communityContractorId {buzzin_id or '-'} or salesforceId {reference or '-'} in {where}"
    )


def community_for(buzzin_community_id: str) -> Community | None:
    if not buzzin_community_id:
        return None
    link = BuzzinCommunity.objects.select_related("community").filter(buzzin_id=buzzin_community_id).first()
    return link.community if link else None
