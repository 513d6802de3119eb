"""Operators hear of partner configuration faults (wrong key, token, client code, zone).

The check reads ``delivery.selectors.configuration_faults`` (what the admin dashboard shows) every few
minutes: one notification per partner, community and day while the fault lasts. A fault of the
e-mail itself (the mail server refusing the portal's credentials) is shown in the portal only.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from ..delivery.selectors import configuration_faults
from .recipients import Recipient, operators
from .services import SUBSCRIBER, notify_once

ERROR_EXCERPT = 300


def partner_faults_notify(*, now: datetime.datetime | None = None) -> int:
    """Notify the operators of each fault not yet notified today; returns how many notifications were written."""
    faults = configuration_faults()
    if not faults:
        return 0
    day = timezone.localdate(now or timezone.now())
    people = operators()
    written = 0
    for fault in faults:
        recipients = people if fault.subscriber != SUBSCRIBER else [Recipient(person.pk, "") for person in people]
        written += len(
            notify_once(
                kind="partner_fault",
                key=f"fault:{fault.subscriber}:{fault.community_id}:{day:%Y%m%d}",
                recipients=recipients,
                data={
                    "subscriber": fault.subscriber,
                    "partner": fault.partner_label,
                    "community": fault.community_id,
                    "community_name": fault.community_name,
                    "count": fault.count,
                    "error": fault.last_error[:ERROR_EXCERPT],
                },
                community_id=fault.community_id,
            )
        )
    return written
