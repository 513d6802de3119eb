"""Buzz-In's "pass about to expire": a notification once per permit and end date, to the company and the managers."""

from __future__ import annotations

import datetime

from permits.choices import PermitStatus
from permits.models import Permit
from portal.core.outcomes import PartnerOutcome

from ..notifications.recipients import community_managers, company_users
from ..notifications.reminders import permit_data
from ..notifications.services import notify_once

CLOCK_SLACK = datetime.timedelta(seconds=1)
REMINDED_STATUSES = (PermitStatus.APPROVED, PermitStatus.ACTIVE)


def permit_expiring_notify(permit: Permit, *, valid_till: datetime.datetime | None) -> PartnerOutcome:
    if permit.status not in REMINDED_STATUSES:
        return PartnerOutcome(False, f"the permit is {permit.get_status_display().lower()}: no reminder", permit)
    if valid_till and valid_till + CLOCK_SLACK < permit.valid_till:
        return PartnerOutcome(False, "the permit was extended since: no reminder", permit)
    recipients = [
        *company_users([permit.contractor_id])[permit.contractor_id],
        *community_managers([permit.community_id])[permit.community_id],
    ]
    written = notify_once(
        kind="permit_ending",
        key=f"permit:{permit.pk}:expiring:{permit.valid_till:%Y%m%dT%H%M}",
        recipients=recipients,
        data={**permit_data(permit), "ends": permit.valid_till.isoformat()},
        community_id=permit.community_id,
    )
    if not written:
        return PartnerOutcome(False, f"reminder already sent (or no recipients: {len(recipients)})", permit)
    return PartnerOutcome(True, f"reminder written for {len(written)} of {len(recipients)} recipient(s)", permit)
