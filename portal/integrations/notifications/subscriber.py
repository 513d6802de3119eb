"""Notifications follow the domain: one more subscriber, named "notify".

In the transaction of a change it writes each person's in-app notification (``planning``, from the
table in ``kinds``) and one delivery per notification to be mailed; after commit a worker sends the
mail (``send``), outside any transaction, through Django's mail backend. Reminders, the operators'
fault check and the daily digests write their notifications and deliveries the same way
(``services``), so every mail goes through the same rows, attempts and admin retries.

Why the in-app item is written with the change, not when mailing: it exists exactly when the change
does (a rolled-back change leaves none, a committed one always has it), the bell counts it at once
whatever the workers are doing, and a person who chose no e-mail still gets it.

Each delivery is sent at most once (``mailer``): a row the relay reclaims after its worker died
mid-send is not sent again but failed as "uncertain", for an admin to retry or give up.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from portal.core.models import AuditEvent

from ..delivery.models import OutboundDelivery
from ..delivery.outcome import Outcome, PayloadError, failed, succeeded
from ..delivery.planning import Planned
from ..delivery.subscriber import DeliverySubscriber
from .mailer import UNCERTAIN, mail_send
from .messages import digest_email, notification_email
from .models import Digest, Notification
from .planning import notifications_from_events
from .services import DIGEST_TARGET, NOTIFICATION_TARGET, SEND, SEND_DIGEST, SUBSCRIBER, emails_planned

# The error kind ``delivery.services.deliveries_reclaim_stuck`` gives a row whose worker was lost.
RECLAIMED = "reclaimed"
LOST_MID_SEND = (
    "The worker was lost while this e-mail was being sent; it may have gone out, so it is not sent again. "
    "Retry to send it anyway."
)


class NotifySubscriber(DeliverySubscriber):
    name = SUBSCRIBER
    label = "E-mail"
    operations = {SEND: "Notification e-mail", SEND_DIGEST: "Daily digest e-mail"}

    def plan(self, events: Sequence[AuditEvent]) -> list[Planned]:
        return emails_planned(notifications_from_events(events))

    def load_target(self, delivery: OutboundDelivery):
        if delivery.target_type == NOTIFICATION_TARGET:
            return Notification.objects.select_related("recipient").get(pk=int(delivery.target_id))
        if delivery.target_type == DIGEST_TARGET:
            return Digest.objects.select_related("recipient").get(pk=int(delivery.target_id))
        raise PayloadError(f"E-mail cannot be sent about a {delivery.target_type}.")

    def send(self, delivery: OutboundDelivery, target) -> Outcome:
        if delivery.error_kind == RECLAIMED:
            return failed(LOST_MID_SEND, UNCERTAIN)
        recipient = target.recipient
        if not recipient.is_active or not recipient.email:
            return succeeded([], {"skipped": "the person has no active account or no e-mail address"})
        if delivery.operation == SEND:
            message = notification_email(target, recipient)
            summary = f"e-mail to user #{recipient.pk}: {target.kind} (notification #{target.pk})"
        elif delivery.operation == SEND_DIGEST:
            items = list(target.items.order_by("created_at", "pk"))
            if not items:
                return succeeded([], {"skipped": "the digest has no items"})
            message = digest_email(items, recipient)
            summary = f"daily digest to user #{recipient.pk}: {len(items)} item(s) (digest #{target.pk})"
        else:
            return super().send(delivery, target)
        return mail_send(message, summary=summary)

    def secrets(self, delivery: OutboundDelivery) -> tuple[str, ...]:
        return (settings.EMAIL_HOST_PASSWORD,)


subscriber = NotifySubscriber()
