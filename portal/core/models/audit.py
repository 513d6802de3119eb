from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyViolation(Exception):
    """An audit event was to be changed or deleted: the log only ever grows."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyViolation("Audit events are never updated: record a new event.")

    def delete(self):
        raise AppendOnlyViolation("Audit events are never deleted.")


class AuditEvent(models.Model):
    """One row per change: who, when, what, from which status to which, and why.

    Append-only where it lives: the model refuses to save a stored row or delete one, and database triggers
    refuse a raw UPDATE or DELETE (``portal.core.audit_guard``). Deleting a user or a community rewrites no
    audit row: the actor and community ids stay as they were, without a database constraint, and the actor's
    label keeps saying who it was.
    """

    at = models.DateTimeField(db_index=True, verbose_name=_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(
        max_length=200, help_text=_("User name, API key, partner or job."), verbose_name=_("actor label")
    )
    community = models.ForeignKey(
        "core.Community",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        verbose_name=_("community"),
    )
    target_type = models.CharField(max_length=50, verbose_name=_("target type"))
    target_id = models.CharField(max_length=64, verbose_name=_("target id"))
    action = models.CharField(max_length=100, help_text=_("e.g. permits.permit.approved"), verbose_name=_("action"))
    from_status = models.CharField(max_length=32, blank=True, verbose_name=_("from status"))
    to_status = models.CharField(max_length=32, blank=True, verbose_name=_("to status"))
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id} by {self.actor_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyViolation("An audit event is never changed: record a new event.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyViolation("An audit event is never deleted.")
