"""Private calendar feed URLs (.ics): one per manager and one per contractor company, revocable."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """Whoever has the URL reads the permits of its owner: rotating or revoking the token ends the old URL."""

    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
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
        return f"{self.user or self.contractor} · {self.token[:6]}…"
