from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One row per change: who, when, what, from which status to which, and why. Append-only."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=200, help_text="User name, API key, partner or job.")
    community = models.ForeignKey("core.Community", null=True, blank=True, on_delete=models.SET_NULL)
    target_type = models.CharField(max_length=50)
    target_id = models.CharField(max_length=64)
    action = models.CharField(max_length=100, help_text="e.g. permits.permit.approved")
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id} by {self.actor_label}"
