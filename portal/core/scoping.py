"""Who sees which community: the one home of tenant scoping for staff."""

from __future__ import annotations

OPERATORS_GROUP = "operator"


def is_operator(user) -> bool:
    """Superusers and members of the "operator" group run every community."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_operator", None)
    if cached is None:
        cached = user.groups.filter(name=OPERATORS_GROUP).exists()
        user._is_operator = cached
    return cached


def managed_community_ids(user) -> set[int] | None:
    """The communities a staff user manages; ``None`` means all of them (an operator)."""
    if is_operator(user):
        return None
    if not user.is_authenticated or not user.is_staff:
        return set()
    cached = getattr(user, "_managed_community_ids", None)
    if cached is None:
        cached = set(user.staff_memberships.values_list("community_id", flat=True))
        user._managed_community_ids = cached
    return cached


def scope_to_communities(queryset, user, community_path: str = "community"):
    """Filter ``queryset`` to the rows of the user's communities (every row for an operator)."""
    ids = managed_community_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{community_path}__in": ids})
