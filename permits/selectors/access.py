"""Which permits a user may see: staff by community, contractor users by company."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from contractors.selectors import contractor_for_user
from portal.core.scoping import managed_community_ids

from ..models import Permit


def permits_visible_to(user, queryset=None):
    queryset = Permit.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_staff:
        ids = managed_community_ids(user)
        return queryset if ids is None else queryset.filter(community_id__in=ids)
    contractor = contractor_for_user(user)
    if contractor is None:
        return queryset.none()
    return queryset.filter(contractor=contractor)


def permit_for_user_or_404(user, **lookup) -> Permit:
    """A permit the user may see, else 404 (never 403: a foreign permit's existence is not told)."""
    permit = permits_visible_to(user).filter(**lookup).first()
    if permit is None:
        raise Http404(_("No such permit."))
    return permit
