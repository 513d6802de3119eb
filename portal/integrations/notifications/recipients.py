"""Who receives a notification: a company's users, a community's property managers, the operators.

Each read is one query for a whole batch, keyed by company or community.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q

from portal.core.choices import StaffRole
from portal.core.scoping import OPERATORS_GROUP, is_operator

from .kinds import CONTRACTOR, LEAD, MANAGER, OPERATOR


@dataclass(frozen=True)
class Recipient:
    pk: int
    email: str


def company_users(contractor_ids: Iterable[int]) -> defaultdict[int, list[Recipient]]:
    """Active users of each company, by company id."""
    rows = _active().filter(contractor_profile__contractor_id__in=set(contractor_ids))
    return _grouped(rows.values_list("contractor_profile__contractor_id", "pk", "email"))


def community_managers(community_ids: Iterable[int]) -> defaultdict[int, list[Recipient]]:
    """Active property managers of each community, by community id."""
    rows = _active().filter(
        staff_memberships__community_id__in=set(community_ids), staff_memberships__role=StaffRole.PROPERTY_MANAGER
    )
    return _grouped(rows.values_list("staff_memberships__community_id", "pk", "email"))


def community_leads(community_ids: Iterable[int]) -> defaultdict[int, list[Recipient]]:
    """Active team leads (managers whose membership is marked lead) of each community, by community id."""
    rows = _active().filter(
        staff_memberships__community_id__in=set(community_ids),
        staff_memberships__role=StaffRole.PROPERTY_MANAGER,
        staff_memberships__is_lead=True,
    )
    return _grouped(rows.values_list("staff_memberships__community_id", "pk", "email"))


def operators() -> list[Recipient]:
    """Superusers and members of the operator group (``portal.core.scoping.is_operator``)."""
    rows = _active().filter(Q(is_superuser=True) | Q(groups__name=OPERATORS_GROUP)).distinct().order_by("pk")
    return [Recipient(pk, email or "") for pk, email in rows.values_list("pk", "email")]


def audiences_of(user) -> set[str]:
    """The audiences a person belongs to: the kinds they may receive follow (``kinds.kinds_for``)."""
    audiences = set()
    if hasattr(user, "contractor_profile"):
        audiences.add(CONTRACTOR)
    if user.staff_memberships.filter(role=StaffRole.PROPERTY_MANAGER).exists():
        audiences.add(MANAGER)
    if user.staff_memberships.filter(role=StaffRole.PROPERTY_MANAGER, is_lead=True).exists():
        audiences.add(LEAD)
    if is_operator(user):
        audiences.add(OPERATOR)
    return audiences


def _active():
    return get_user_model().objects.filter(is_active=True)


def _grouped(rows) -> defaultdict[int, list[Recipient]]:
    grouped: defaultdict[int, list[Recipient]] = defaultdict(list)
    for owner_id, pk, email in rows.order_by("pk"):
        if all(recipient.pk != pk for recipient in grouped[owner_id]):
            grouped[owner_id].append(Recipient(pk, email or ""))
    return grouped
