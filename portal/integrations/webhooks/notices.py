"""The "pass about to expire" reminder: once per permit and end date, to the contractor and the managers."""

from __future__ import annotations

import datetime

from django.conf import settings

from permits.choices import PermitStatus
from permits.models import Permit
from permits.reminders import contractor_emails, manager_emails
from portal.core.notifications import notify_once
from portal.core.outcomes import PartnerOutcome

CLOCK_SLACK = datetime.timedelta(seconds=1)
REMINDED_STATUSES = (PermitStatus.APPROVED, PermitStatus.ACTIVE)


def permit_expiring_notify(permit: Permit, *, valid_till: datetime.datetime | None) -> PartnerOutcome:
    if permit.status not in REMINDED_STATUSES:
        return PartnerOutcome(False, f"the permit is {permit.get_status_display().lower()}: no reminder", permit)
    if valid_till and valid_till + CLOCK_SLACK < permit.valid_till:
        return PartnerOutcome(False, "the permit was extended since: no reminder", permit)
    recipients = expiry_recipients(permit)
    ends = permit.valid_till.astimezone(permit.community.tzinfo)
    sent = notify_once(
        key=f"permit:{permit.pk}:expiring:{permit.valid_till:%Y%m%dT%H%M}",
        recipients=recipients,
        subject=f"Work permit {permit.reference} ends on {ends:%d %b %Y}",
        template_base="emails/permit_expiring",
        context={
            "permit": permit,
            "valid_till": permit.valid_till,
            "time_zone": permit.community.time_zone,
            "portal_url": settings.SITE_URL,
        },
    )
    if not sent:
        return PartnerOutcome(False, f"reminder already sent (or no recipients: {len(recipients)})", permit)
    return PartnerOutcome(True, f"reminder sent to {sent} of {len(recipients)} recipient(s)", permit)


def expiry_recipients(permit: Permit) -> list[str]:
    """Active users of the contractor company and the property managers of the permit's community."""
    emails = [
        *contractor_emails([permit.contractor_id])[permit.contractor_id],
        *manager_emails([permit.community_id])[permit.community_id],
    ]
    return list(dict.fromkeys(emails))
