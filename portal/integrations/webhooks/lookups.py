"""Which permit or contractor membership an event is about, within the community the envelope names.

Every event applies only to objects of the community its envelope's ``communityId`` names. An envelope that
names no community of the portal, or names one the object does not belong to, is refused for good
(``CommunityMismatch``): a signed event must not move another community's permit. An object not known at all
(yet) is ``TargetMissing``: the event is tried again later.
"""

from __future__ import annotations

from django.db.models import Q

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


class CommunityMismatch(LookupError):
    """The envelope's community is unknown, or is not the target's: the event is refused, never retried."""


def envelope_community(envelope: Envelope) -> Community:
    community = community_for_buzzin_id(envelope.community_id)
    if community is None:
        raise CommunityMismatch(f"communityId {envelope.community_id or '(none)'} names no community of the portal")
    return community


def community_for_buzzin_id(value: str) -> Community | None:
    """The community whose Buzz-In id is ``value`` (the id the portal derives for one without, as in the sandbox)."""
    if not value:
        return None
    link = BuzzinCommunity.objects.select_related("community").filter(buzzin_id=value).first()
    if link is not None:
        return link.community
    without = Community.objects.filter(Q(buzzin__isnull=True) | Q(buzzin__buzzin_id=""))
    return next((c for c in without if derived_object_id("community", c.pk) == value), None)


def permit_for(envelope: Envelope) -> Permit:
    """By ``data.permitId`` (Buzz-In's id) first, then ``data.salesforceId`` (our public reference)."""
    community = envelope_community(envelope)
    permit_id = text(envelope.data, "permitId", BUZZIN_ID_LENGTH)
    reference = text(envelope.data, "salesforceId", REFERENCE_LENGTH)
    permits = Permit.objects.select_related("community", "contractor", "property", "main_unit")
    lookups = [("buzzin__buzzin_id", permit_id), ("reference", reference)]
    for field, value in lookups:
        if value:
            permit = permits.filter(community=community, **{field: value}).order_by("pk").first()
            if permit is not None:
                return permit
    named = f"permitId {permit_id or '-'} or salesforceId {reference or '-'}"
    if any(value and Permit.objects.filter(**{field: value}).exists() for field, value in lookups):
        raise CommunityMismatch(f"{named} is a permit of another community than communityId {envelope.community_id}")
    raise TargetMissing(f"no permit with {named}")


def membership_for(envelope: Envelope) -> ContractorMembership:
    """By ``communityContractorId`` (the company's one Buzz-In id) then ``salesforceId`` (its reference),
    within the community."""
    community = envelope_community(envelope)
    buzzin_id = text(envelope.data, "communityContractorId", BUZZIN_ID_LENGTH)
    reference = text(envelope.data, "salesforceId", REFERENCE_LENGTH)
    memberships = ContractorMembership.objects.select_related("contractor", "community")
    lookups = [("contractor__buzzin__buzzin_id", buzzin_id), ("contractor__reference", reference)]
    for field, value in lookups:
        if value:
            membership = memberships.filter(community=community, **{field: value}).first()
            if membership is not None:
                return membership
    named = f"communityContractorId {buzzin_id or '-'} or salesforceId {reference or '-'}"
    if any(value and memberships.filter(**{field: value}).exists() for field, value in lookups):
        raise CommunityMismatch(
            f"{named} is a contractor of another community, not of communityId {envelope.community_id}"
        )
    raise TargetMissing(f"no contractor with {named} in community {community}")
