"""The words of a notification, rendered when it is shown or sent from its kind and data.

Nothing here is stored: the in-app line and the e-mail are rendered in the reader's language at that
moment (``language_for``: the reader's saved language, portal.core.language).
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contractors.attention import attention_text
from permits.models import Permit
from portal.core.language import language_of

from .kinds import kind_named
from .links import absolute, link_path
from .models import Notification

DATETIME_KEYS = ("valid_till", "requested_till", "ends", "deadline")
DATE_KEYS = ("expiry", "permit_ends", "last_live_end")
DOCUMENTS = {"trade_licence": _("trade licence"), "insurance": _("insurance")}
SHORT_MOMENT = LONG_MOMENT = "DATETIME_FORMAT"  # the one format (portal/formats)
SHORT_DAY = LONG_DAY = "DATE_FORMAT"
SUBJECT_MAX = 300


def language_for(user) -> str:
    """The language a person reads: the one they chose in the portal (or their browser's at first sign-in)."""
    return language_of(user)


class Values(dict):
    """The data as people read it; a placeholder a notification lacks shows as "…" rather than failing."""

    def __missing__(self, key):
        return "…"


def display(data: dict) -> Values:
    """Data made readable in the active language: moments on the community's clock, dates, labels."""
    values = Values({key: value for key, value in data.items() if value is not None})
    zone = _zone(data.get("time_zone"))
    for key in DATETIME_KEYS:
        moment = _moment(data.get(key))
        if moment is not None:
            local = moment.astimezone(zone)
            values[key], values[f"{key}_long"] = date_format(local, SHORT_MOMENT), date_format(local, LONG_MOMENT)
    for key in DATE_KEYS:
        day = parse_date(data[key]) if isinstance(data.get(key), str) else None
        if day is not None:
            values[key], values[f"{key}_long"] = date_format(day, SHORT_DAY), date_format(day, LONG_DAY)
    if data.get("reason_i18n"):
        values["reason"] = attention_text(data.get("reason", ""), data["reason_i18n"])
    if "document" in data:
        values["document"] = str(DOCUMENTS.get(data["document"], data["document"]))
    return values


def headline(kind: str, data: dict) -> str:
    """The one line: the e-mail's subject and the in-app list's entry."""
    if "subject" in data:  # a reminder mailed before notifications existed (migration 0002): its subject
        return str(data["subject"])
    definition = kind_named(kind)
    template = definition.variants.get(data.get("variant"), definition.headline)
    return " ".join((str(template) % display(data)).split())[:SUBJECT_MAX]


def notification_email(notification: Notification, recipient) -> EmailMultiAlternatives:
    """The multipart mail of one notification to its recipient."""
    with translation.override(language_for(recipient)):
        kind = kind_named(notification.kind)
        context = {
            **display(notification.data),
            **_common(recipient),
            "link": absolute(link_path(notification.kind, notification.data, staff=recipient.is_staff)),
            "action": str(kind.action),
            "permit": _permit(notification.data),
        }
        message = render_plain(f"notifications/messages/{kind.slug}.txt", context)
        context["message"] = re.sub(r"\n{3,}", "\n\n", message).strip()  # optional lines leave no gaps
        subject = headline(notification.kind, notification.data)
        return _email(subject, context, recipient)


def digest_email(items: Sequence[Notification], recipient) -> EmailMultiAlternatives:
    """One mail listing the day's items, newest last, each with its link."""
    with translation.override(language_for(recipient)):
        lines = [
            {
                "headline": headline(item.kind, item.data),
                "link": absolute(link_path(item.kind, item.data, staff=recipient.is_staff)),
            }
            for item in items
        ]
        count = len(lines)
        subject = ngettext(
            "Daily digest: %(count)d new notification", "Daily digest: %(count)d new notifications", count
        ) % {"count": count}
        context = {
            **_common(recipient),
            "items": lines,
            "count": count,
            "link": absolute(reverse("notifications:list")),
        }
        return _email(subject, context, recipient, template="digest")


def render_plain(name: str, context: dict) -> str:
    """A text template rendered without HTML escaping (the HTML mail escapes it as a whole)."""
    template = engines["django"].engine.get_template(name)
    return template.render(Context(context, autoescape=False))


def _email(subject: str, context: dict, recipient, template: str = "message") -> EmailMultiAlternatives:
    context = {**context, "subject": subject}
    text = render_plain(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def _common(recipient) -> dict:
    return {
        "portal_name": settings.PORTAL_NAME,
        "portal_link": absolute("/"),
        "preferences_link": absolute(reverse("notifications:preferences")),
        "recipient": recipient,
    }


def _permit(data: dict) -> Permit | None:
    """The permit as it is now, for the details of the mail (None when the notification is not about one)."""
    if not data.get("permit"):
        return None
    related = ("community", "property", "main_unit", "contractor")
    return Permit.objects.select_related(*related).filter(pk=data["permit"]).first()


def _zone(name) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _moment(value) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    moment = parse_datetime(value)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment
