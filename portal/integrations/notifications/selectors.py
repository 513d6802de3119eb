"""Reads of a person's own notifications: the list and the bell. Always filtered by the signed-in person."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from .links import link_path
from .messages import headline
from .models import Notification

REASON_EXCERPT = 200


def notifications_of(user) -> QuerySet[Notification]:
    """The person's notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class Entry:
    """One line of the list, rendered in the reader's language from the notification's kind and data."""

    notification: Notification
    headline: str
    detail: str
    target: str  # where opening it leads (the open view redirects there)
    time_zone: str  # its community's clock, the portal's when it has none


def entries(notifications, *, staff: bool) -> list[Entry]:
    rows = []
    for notification in notifications:
        data = notification.data
        detail = str(data.get("reason") or data.get("error") or "")[:REASON_EXCERPT]
        target = link_path(notification.kind, data, staff=staff)
        zone = data.get("time_zone") or settings.TIME_ZONE
        rows.append(Entry(notification, headline(notification.kind, data), detail, target, zone))
    return rows
