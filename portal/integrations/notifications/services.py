"""Writes of notifications: from reminders and checks (once per key), reading them, and the daily digests.

E-mails are deliveries of the ``notify`` subscriber (``subscriber``): one row per notification mailed
on its own, one per digest, written in the same transaction as the notification and sent after commit.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..delivery.planning import Planned, deliveries_plan
from .kinds import kind_named
from .models import Digest, EmailChoice, Notification
from .preferences import email_choices, email_route
from .recipients import Recipient

logger = logging.getLogger(__name__)

SUBSCRIBER = "notify"
SEND = "email.send"
SEND_DIGEST = "email.digest"
NOTIFICATION_TARGET = "notification"
DIGEST_TARGET = "digest"


def emails_planned(notifications: Sequence[Notification]) -> list[Planned]:
    """One delivery per notification mailed on its own; each its own sequence, so none waits for another."""
    planned = []
    for notification in notifications:
        if notification.email != EmailChoice.EACH:
            continue
        if notification.community_id is None:  # every delivery belongs to a community (admin scoping)
            logger.warning("notification %s has no community: shown in the portal, not mailed", notification.pk)
            continue
        planned.append(
            Planned(
                operation=SEND,
                target_type=NOTIFICATION_TARGET,
                target_id=notification.pk,
                community_id=notification.community_id,
                sequence=f"{NOTIFICATION_TARGET}:{notification.pk}",
                event=notification.event,
            )
        )
    return planned


@transaction.atomic
def notify_once(
    *, kind: str, key: str, recipients: Iterable[Recipient], data: dict, community_id: int | None
) -> list[Notification]:
    """Notify each recipient not yet notified for ``key``; returns the notifications written now.

    For what is not a domain event (reminders, checks): the unique (recipient, key) makes two runs,
    even at once, notify each person once.
    """
    recipients = list({recipient.pk: recipient for recipient in recipients}.values())
    choices = email_choices([recipient.pk for recipient in recipients], [kind])
    created = []
    for recipient in recipients:
        notification = Notification(
            recipient_id=recipient.pk,
            kind=kind,
            key=key,
            community_id=community_id,
            data=data,
            email=email_route(kind_named(kind), choices.get((recipient.pk, kind)), recipient.email),
        )
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            continue  # already notified for this key
        created.append(notification)
    deliveries_plan(SUBSCRIBER, emails_planned(created))
    return created


def notification_open(*, user, pk: int) -> Notification:
    """The person's own notification, marked read (raises Notification.DoesNotExist for anyone else's)."""
    notification = Notification.objects.get(pk=pk, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_read_all(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def digests_plan(*, now=None) -> list[Digest]:
    """Gather every waiting digest item into one digest per person, each mailed once.

    The items are locked and linked to their digest in one transaction, so a second run (even at
    the same time) finds none of them waiting.
    """
    now = now or timezone.now()
    waiting = Notification.objects.select_for_update().filter(
        email=EmailChoice.DIGEST, digest__isnull=True, created_at__lte=now
    )
    by_recipient: defaultdict[int, list[Notification]] = defaultdict(list)
    for notification in waiting.order_by("created_at", "pk"):
        by_recipient[notification.recipient_id].append(notification)
    digests, planned = [], []
    for recipient_id, items in by_recipient.items():
        digest = Digest.objects.create(recipient_id=recipient_id)
        Notification.objects.filter(pk__in=[item.pk for item in items]).update(digest=digest)
        community_id = next((item.community_id for item in items if item.community_id), None)
        if community_id is None:
            continue
        digests.append(digest)
        planned.append(
            Planned(
                operation=SEND_DIGEST,
                target_type=DIGEST_TARGET,
                target_id=digest.pk,
                community_id=community_id,
                sequence=f"{DIGEST_TARGET}:{digest.pk}",
            )
        )
    deliveries_plan(SUBSCRIBER, planned)
    return digests
