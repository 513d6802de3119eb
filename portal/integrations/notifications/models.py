"""A person's notifications (the in-app list), their e-mail choices, and the daily digests."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailChoice(models.TextChoices):
    EACH = "each", _("An e-mail each time")
    DIGEST = "digest", _("One daily digest")
    NONE = "none", _("No e-mail")


class Notification(models.Model):
    """One thing one person should hear about, written in the transaction of what caused it.

    ``key`` says why (``event:<id>`` for a domain event, ``reminder:…`` for a reminder); one person
    gets one notification per key, so an event or a reminder reaches each person once. Kind and data
    are kept, not text: the text is rendered when shown or sent, in the reader's language.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(max_length=40, verbose_name=_("kind"))
    key = models.CharField(max_length=200, verbose_name=_("key"))
    event = models.ForeignKey(
        "core.AuditEvent",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("event"),
    )
    community = models.ForeignKey(
        "core.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("community"),
    )
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))
    email = models.CharField(
        max_length=8,
        choices=EmailChoice.choices,
        help_text=_("How it is mailed, chosen from the preferences when written."),
        verbose_name=_("email"),
    )
    digest = models.ForeignKey(
        "Digest", null=True, blank=True, on_delete=models.SET_NULL, related_name="items", verbose_name=_("digest")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list_idx"),
            models.Index(fields=["recipient"], name="notification_unread_idx", condition=Q(read_at__isnull=True)),
            models.Index(
                fields=["created_at"],
                name="notification_digest_due_idx",
                condition=Q(email="digest", digest__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.kind} for user #{self.recipient_id} ({self.key})"


class EmailPreference(models.Model):
    """A person's choice of e-mail for one kind; without a row they get an e-mail each time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences", verbose_name=_("user")
    )
    kind = models.CharField(max_length=40, verbose_name=_("kind"))
    choice = models.CharField(max_length=8, choices=EmailChoice.choices, verbose_name=_("choice"))

    class Meta:
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_preference_once_per_kind")]

    def __str__(self):
        return f"user #{self.user_id}: {self.kind} → {self.choice}"


class Digest(models.Model):
    """One mail gathering the notifications a person chose to receive daily; its items point to it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")

    def __str__(self):
        return f"digest #{self.pk} for user #{self.recipient_id}"
