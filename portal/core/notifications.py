"""E-mails that must go out once per reason: a ``NotificationLog`` row is claimed first, the mail sent after."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from .models import NotificationLog

logger = logging.getLogger(__name__)

KEY_MAX_LENGTH = NotificationLog._meta.get_field("key").max_length


def notify_once(*, key: str, recipients: Iterable[str], subject: str, template_base: str, context: dict) -> int:
    """Send ``template_base``.txt/.html to each recipient not yet notified for ``key``; returns how many were sent.

    The unique log key is inserted before the mail is sent, so two workers never send the same mail; when
    sending fails the claim is released and the error raised, so a retry sends it.
    """
    text = render_to_string(f"{template_base}.txt", context)
    html = render_to_string(f"{template_base}.html", context)
    subject = " ".join(subject.split())[:300]
    sent = 0
    for recipient in _unique(recipients):
        row_key = recipient_key(key, recipient)
        if not _claim(row_key, recipient, subject):
            continue
        try:
            message = EmailMultiAlternatives(subject=subject, body=text, to=[recipient])
            message.attach_alternative(html, "text/html")
            message.send()
        except Exception:
            NotificationLog.objects.filter(key=row_key).delete()
            logger.exception("notification %s to one recipient failed", key)
            raise
        sent += 1
    return sent


def recipient_key(key: str, recipient: str) -> str:
    """The log key of one recipient; a digest stands in for an address too long to fit."""
    full = f"{key}:to:{recipient}"
    if len(full) <= KEY_MAX_LENGTH:
        return full
    digest = hashlib.sha256(recipient.encode()).hexdigest()[:32]
    return f"{key[: KEY_MAX_LENGTH - len(digest) - 4]}:to:{digest}"


def _unique(recipients: Iterable[str]) -> list[str]:
    cleaned = (address.strip().lower() for address in recipients if address and address.strip())
    return list(dict.fromkeys(cleaned))


def _claim(row_key: str, recipient: str, subject: str) -> bool:
    try:
        with transaction.atomic():
            NotificationLog.objects.create(key=row_key, recipient=recipient, subject=subject)
    except IntegrityError:
        return False
    return True
