from __future__ import annotations

from .models import Contractor, ContractorUser


def contractor_for_user(user) -> Contractor | None:
    """The company a contractor user signs in for, or None for everyone else."""
    if not user.is_authenticated:
        return None
    profile = ContractorUser.objects.select_related("contractor").filter(user=user).first()
    return profile.contractor if profile else None
