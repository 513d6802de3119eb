from __future__ import annotations

from .models import Contractor, ContractorMembership, ContractorUser


def contractor_for_user(user) -> Contractor | None:
    """The company a contractor user signs in for, or None for everyone else."""
    if not user.is_authenticated:
        return None
    profile = ContractorUser.objects.select_related("contractor").filter(user=user).first()
    return profile.contractor if profile else None


def phone_taken_in(phone: str, communities, *, exclude_pk: int | None = None) -> list[str]:
    """Names of the communities among ``communities`` where another company already has ``phone``
    (the gate system keeps a phone unique per community and refuses a second one)."""
    rows = ContractorMembership.objects.filter(
        contractor__phone=phone, community__in=[community.pk for community in communities]
    )
    if exclude_pk is not None:
        rows = rows.exclude(contractor_id=exclude_pk)
    return sorted(set(rows.values_list("community__name", flat=True)))
