"""The deliveries subscribers plan from domain events, and every attempt to send one."""

from django.db import models
from django.db.models import Q

from portal.core.events import subscriber_named


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    ABANDONED = "abandoned", "Given up"


OPEN_DELIVERY_STATES = (DeliveryState.PENDING, DeliveryState.SENDING, DeliveryState.FAILED)


class OutboundDelivery(models.Model):
    """One operation a subscriber must carry out because of a domain event, written in the event's transaction.

    Rows sharing a ``sequence_key`` (one subscriber and one permit, contractor or vehicle) are delivered
    in id order: a row is not sent while an earlier row of its key is still open. Keys never span
    subscribers, so one subscriber's failure never holds another's rows back.
    """

    subscriber = models.CharField(max_length=16, help_text="Who carries it out: a name in EVENT_SUBSCRIBERS.")
    operation = models.CharField(max_length=40)
    event = models.ForeignKey(
        "core.AuditEvent",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text="The domain event this delivery follows from.",
    )
    community = models.ForeignKey("core.Community", on_delete=models.PROTECT, related_name="deliveries")
    target_type = models.CharField(max_length=50)
    target_id = models.CharField(max_length=64)
    sequence_key = models.CharField(max_length=100)
    params = models.JSONField(default=dict, blank=True, help_text="What the payload cannot rebuild from current state.")
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its last task, handed to the broker, was due at a worker (the relay waits).",
    )
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
        return f"#{self.pk} {self.subscriber} {self.operation} {self.target_type}#{self.target_id}"

    @property
    def subscriber_label(self) -> str:
        """ "Buzz-In", "OPS-COM", "E-mail"...: the subscriber's own name for itself."""
        try:
            return subscriber_named(self.subscriber).label
        except LookupError:
            return self.subscriber

    @property
    def operation_label(self) -> str:
        try:
            return subscriber_named(self.subscriber).operations.get(self.operation, self.operation)
        except LookupError:
            return self.operation


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
