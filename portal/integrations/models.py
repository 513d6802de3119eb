"""The integrations layer's tables: inbound webhooks, drifts, deliveries and each partner's own ids."""

from django.db import models

from .buzzin.models import (
    BuzzinCommunity,
    BuzzinContractor,
    BuzzinContractorState,
    BuzzinMembership,
    BuzzinPermit,
    BuzzinProperty,
    BuzzinUnit,
)
from .delivery.models import OPEN_DELIVERY_STATES, DeliveryAttempt, DeliveryState, OutboundDelivery
from .opscom.models import OpscomParking

__all__ = [
    "OPEN_DELIVERY_STATES",
    "BuzzinCommunity",
    "BuzzinContractor",
    "BuzzinContractorState",
    "BuzzinMembership",
    "BuzzinPermit",
    "BuzzinProperty",
    "BuzzinUnit",
    "DeliveryAttempt",
    "DeliveryState",
    "Drift",
    "InboundEvent",
    "InboundEventState",
    "OpscomParking",
    "OutboundDelivery",
]


class InboundEventState(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored (unknown or stale)"
    FAILED = "failed", "Failed"
    REFUSED = "refused", "Refused (not this community's)"


class InboundEvent(models.Model):
    """A verified Buzz-In webhook, stored once per envelope id before it is processed."""

    event_id = models.CharField(max_length=100, unique=True)
    event = models.CharField(max_length=100, db_index=True)
    community_id = models.CharField(max_length=64, blank=True)
    created_at_remote = models.DateTimeField(null=True, blank=True, help_text="The envelope's createdAt.")
    received_at = models.DateTimeField(auto_now_add=True)
    verification = models.CharField(max_length=16, help_text="hmac or token")
    delivery_id = models.CharField(max_length=100, blank=True)
    payload = models.JSONField()
    state = models.CharField(max_length=16, choices=InboundEventState.choices, default=InboundEventState.RECEIVED)
    result = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "inbound webhook event"

    def __str__(self):
        return f"{self.event} {self.event_id}"


class Drift(models.Model):
    """A difference found between the portal and a partner by reconciliation."""

    kind = models.CharField(max_length=40)
    community = models.ForeignKey("core.Community", on_delete=models.CASCADE, related_name="drifts")
    target_type = models.CharField(max_length=50)
    target_id = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)
    detected_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    repair_delivery = models.ForeignKey(
        "integrations.OutboundDelivery", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-detected_at", "-id"]
        indexes = [models.Index(fields=["resolved_at", "kind"], name="drift_open_idx")]

    def __str__(self):
        return f"{self.kind} {self.target_type}#{self.target_id}"


class ReconciliationCursor(models.Model):
    """Where reconciliation stands in its pass over one kind of target (one row per kind).

    A pass compares every target once, in id order; each run continues after ``position`` and, past
    the highest id, completes the pass and wraps around to the lowest. ``pass_*`` describe the pass
    under way, ``last_pass_*`` the last complete one: the coverage the drifts page reports.
    """

    target_type = models.CharField(max_length=50, unique=True)
    position = models.BigIntegerField(default=0, help_text="The last target id the pass went past; 0: its start.")
    pass_started_at = models.DateTimeField(null=True, blank=True)
    pass_compared = models.PositiveIntegerField(default=0, help_text="Targets compared so far in this pass.")
    pass_runs = models.PositiveIntegerField(default=0, help_text="Runs that worked on this pass.")
    due = models.PositiveIntegerField(default=0, help_text="Targets in the compared set at the last run.")
    last_pass_started_at = models.DateTimeField(null=True, blank=True)
    last_pass_completed_at = models.DateTimeField(null=True, blank=True)
    last_pass_compared = models.PositiveIntegerField(null=True, blank=True)
    last_pass_due = models.PositiveIntegerField(null=True, blank=True)
    last_pass_runs = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"reconciliation of {self.target_type}s at #{self.position}"
