"""Private calendar feed URLs (.ics): one per manager and one per contractor company, revocable.

The token in the URL is the credential: only its SHA-256 is stored (like an API key), so the address is
shown once, when it is made, and a database copy cannot be used to read anyone's permits."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX_LENGTH = 6


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class CalendarFeed(models.Model):
    """Whoever has the URL reads the permits of its owner: rotating or revoking the token ends the old URL."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False, verbose_name=_("token hash"))
    prefix = models.CharField(
        max_length=TOKEN_PREFIX_LENGTH,
        editable=False,
        help_text=_("The token's first characters, to recognise an address."),
        verbose_name=_("prefix"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    contractor = models.OneToOneField(
        "contractors.Contractor", null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True, contractor__isnull=False)
                | Q(user__isnull=False, contractor__isnull=True),
                name="calendar_feed_one_owner",
            )
        ]

    def __str__(self):
        return f"{self.user or self.contractor} · {self.prefix}…"
