from django.db import models
from django.db.models import Q

from ..choices import DeliveryState, Operation, Partner


class OutboundDelivery(models.Model):
    """What a partner must learn, written in the same transaction as the change itself.

    Rows sharing a ``sequence_key`` (one permit, one contractor, one vehicle) are delivered in
    id order: a row is not sent while an earlier row of its key is still open.
    """

    partner = models.CharField(max_length=16, choices=Partner.choices)
    operation = models.CharField(max_length=40, choices=Operation.choices)
    community = models.ForeignKey("core.Community", on_delete=models.PROTECT, related_name="deliveries")
    target_type = models.CharField(max_length=50)
    target_id = models.CharField(max_length=64)
    sequence_key = models.CharField(max_length=100)
    params = models.JSONField(default=dict, blank=True, help_text="What the payload cannot rebuild from current state.")
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    error_kind = models.CharField(max_length=32, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "partner delivery"
        verbose_name_plural = "partner deliveries"
        indexes = [
            models.Index(fields=["sequence_key", "id"], name="delivery_sequence_idx"),
            models.Index(
                fields=["state", "next_attempt_at"],
                name="delivery_open_idx",
                condition=Q(state__in=["pending", "sending", "failed"]),
            ),
            models.Index(fields=["target_type", "target_id"], name="delivery_target_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_partner_display()} {self.operation} {self.target_type}#{self.target_id}"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(OutboundDelivery, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    request_summary = models.TextField(blank=True, help_text="Method, path and body with secrets redacted.")
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)
    outcome = models.CharField(max_length=16, help_text="succeeded, retry or failed")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"attempt {self.pk} of delivery {self.delivery_id}: {self.outcome}"
