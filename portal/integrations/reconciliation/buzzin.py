"""The Buzz-In side: which permits are compared, and one ``GET /permits/{id}`` per permit.

Compared: every approved or active permit with a Buzz-In id, and the revoked, expired and archived
ones whose status changed in the last ``RECONCILE_DEAD_PERMIT_DAYS`` days (default 30): a pass the
portal killed must be dead at Buzz-In too. Older dead permits are not asked about again.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import F, Q, QuerySet

from permits.models import Permit
from portal.integrations.buzzin.connection import buzzin_client
from portal.integrations.http import NotFound

from .compare import DEAD, LIVE, Finding, permit_findings


def permit_candidates(now: datetime.datetime) -> QuerySet[Permit]:
    days = settings.RECONCILE_DEAD_PERMIT_DAYS
    recently_dead = Q(status__in=DEAD, status_changed_at__gte=now - datetime.timedelta(days=days))
    return (
        Permit.objects.filter(buzzin__buzzin_id__gt="")
        .filter(Q(status__in=LIVE) | recently_dead)
        .annotate(buzzin_id=F("buzzin__buzzin_id"))
        .order_by("pk")
    )


def check_permit(permit: Permit, now: datetime.datetime) -> list[Finding]:
    """Ask Buzz-In for the permit and compare; a ``PartnerError`` other than 404 propagates."""
    try:
        remote = buzzin_client(permit.community).get_permit(permit.buzzin_id).data
    except NotFound:
        remote = None
    return permit_findings(permit, remote, now)
