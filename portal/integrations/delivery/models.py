"""The deliveries subscribers plan from domain events, and every attempt to send one."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.events import subscriber_named


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    ABANDONED = "abandoned", _("Given up")


OPEN_DELIVERY_STATES = (DeliveryState.PENDING, DeliveryState.SENDING, DeliveryState.FAILED)


class OutboundDelivery(models.Model):
    """One operation a subscriber must carry out because of a domain event, written in the event's transaction.

    Rows sharing a ``sequence_key`` (one subscriber and one permit, contractor or vehicle) are delivered
    in id order: a row is not sent while an earlier row of its key is still open. Keys never span
    subscribers, so one subscriber's failure never holds another's rows back.
    """

    subscriber = models.CharField(
        max_length=16, help_text=_("Who carries it out: a name in EVENT_SUBSCRIBERS."), verbose_name=_("subscriber")
    )
    operation = models.CharField(max_length=40, verbose_name=_("operation"))
    event = models.ForeignKey(
        "core.AuditEvent",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text=_("The domain event this delivery follows from."),
        verbose_name=_("event"),
    )
    community = models.ForeignKey(
        "core.Community", on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("community")
    )
    target_type = models.CharField(max_length=50, verbose_name=_("target type"))
    target_id = models.CharField(max_length=64, verbose_name=_("target id"))
    sequence_key = models.CharField(max_length=100, verbose_name=_("sequence key"))
    params = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("What the payload cannot rebuild from current state."),
        verbose_name=_("params"),
    )
    state = models.CharField(
        max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING, verbose_name=_("state")
    )
    attempt_count = models.PositiveIntegerField(default=0, verbose_name=_("attempt count"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt at"))
    dispatched_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When its last task, handed to the broker, was due at a worker (the relay waits)."),
        verbose_name=_("dispatched at"),
    )
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    error_kind = models.CharField(max_length=32, blank=True, verbose_name=_("error kind"))
    result = models.JSONField(default=dict, blank=True, verbose_name=_("result"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("partner delivery")
        verbose_name_plural = _("partner deliveries")
        indexes = [
            # A sequence's open rows, in order: every read by sequence asks for open rows only (the head to
            # send next, what waits before a row). Partial, so finished rows cost no entry and a backlog of open
            # rows elsewhere stays out of the probe: with an index on the sequence beside the one of every open
            # row, the planner combined the two on stale statistics and read every open row for each hand-over
            # to the next row (6 ms at 200,000 open rows).
            models.Index(
                fields=["sequence_key", "id"],
                name="delivery_open_sequence_idx",
                condition=Q(state__in=[state.value for state in OPEN_DELIVERY_STATES]),
            ),
            models.Index(
                fields=["state", "next_attempt_at"],
                name="delivery_open_idx",
                condition=Q(state__in=[state.value for state in OPEN_DELIVERY_STATES]),
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
    delivery = models.ForeignKey(
        OutboundDelivery, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("delivery")
    )
    started_at = models.DateTimeField(verbose_name=_("started at"))
    duration_ms = models.PositiveIntegerField(default=0, verbose_name=_("duration ms"))
    request_summary = models.TextField(
        blank=True, help_text=_("Method, path and body with secrets redacted."), verbose_name=_("request summary")
    )
    status_code = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("status code"))
    response_excerpt = models.TextField(blank=True, verbose_name=_("response excerpt"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    outcome = models.CharField(max_length=16, help_text=_("succeeded, retry or failed"), verbose_name=_("outcome"))

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"attempt {self.pk} of delivery {self.delivery_id}: {self.outcome}"
