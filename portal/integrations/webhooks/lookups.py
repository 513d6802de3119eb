"""Which permit or contractor membership an event is about."""

from __future__ import annotations

from contractors.models import ContractorMembership
from permits.models import Permit
from portal.core.models import Community

from ..buzzin.ids import derived_object_id
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
    """By ``communityContractorId`` then ``salesforceId`` (the contractor's reference), in the envelope's community.

    A company has one Buzz-In id in every community it works in: the envelope's ``communityId`` says which of
    its memberships the event is about, and no other is touched. An envelope without a ``communityId`` applies
    to the one membership matching, provided there is exactly one.
    """
    buzzin_id = text(envelope.data, "communityContractorId", BUZZIN_ID_LENGTH)
    reference = text(envelope.data, "salesforceId", REFERENCE_LENGTH)
    memberships = ContractorMembership.objects.select_related("contractor", "community")
    community = None
    if envelope.community_id:
        community = community_for(envelope.community_id)
        if community is None:
            raise TargetMissing(f"communityId {envelope.community_id} names no community of the portal")
        memberships = memberships.filter(community=community)
    lookups = [("contractor__buzzin__buzzin_id", buzzin_id), ("contractor__reference", reference)]
    for field, value in lookups:
        if not value:
            continue
        found = list(memberships.filter(**{field: value})[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise TargetMissing(f"several memberships match {value}; the envelope names no community")
    where = f"community {community}" if community else "any community"
    raise TargetMissing(
        f"no contractor with communityContractorId {buzzin_id or '-'} or salesforceId {reference or '-'} in {where}"
    )


def community_for(buzzin_community_id: str) -> Community | None:
    """The community whose Buzz-In id is given (or, for one that holds none, the id derived for it, as the
    sandbox learns it)."""
    if not buzzin_community_id:
        return None
    link = BuzzinCommunity.objects.select_related("community").filter(buzzin_id=buzzin_community_id).first()
    if link is not None:
        return link.community
    without_id = Community.objects.exclude(buzzin__buzzin_id__gt="")
    return next((c for c in without_id if derived_object_id("community", c.pk) == buzzin_community_id), None)
