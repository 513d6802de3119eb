"""The integrations layer's tables: inbound webhooks, drifts, deliveries and each partner's own ids."""

from django.db import models
from django.utils.translation import gettext_lazy as _

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
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored (unknown or stale)")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused (not this community's)")


class InboundEvent(models.Model):
    """A verified Buzz-In webhook, stored once per envelope id before it is processed."""

    event_id = models.CharField(max_length=100, unique=True, verbose_name=_("event id"))
    event = models.CharField(max_length=100, db_index=True, verbose_name=_("event"))
    community_id = models.CharField(max_length=64, blank=True, verbose_name=_("community id"))
    created_at_remote = models.DateTimeField(
        null=True, blank=True, help_text=_("The envelope's createdAt."), verbose_name=_("created at remote")
    )
    received_at = models.DateTimeField(auto_now_add=True, verbose_name=_("received at"))
    verification = models.CharField(max_length=16, help_text=_("hmac or token"), verbose_name=_("verification"))
    delivery_id = models.CharField(max_length=100, blank=True, verbose_name=_("delivery id"))
    payload = models.JSONField(verbose_name=_("payload"))
    state = models.CharField(
        max_length=16, choices=InboundEventState.choices, default=InboundEventState.RECEIVED, verbose_name=_("state")
    )
    result = models.CharField(max_length=300, blank=True, verbose_name=_("result"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    processed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("processed at"))
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound webhook event")
        verbose_name_plural = _("inbound webhook events")
        indexes = [
            # The events still to do or failed, by arrival: what the relay (every minute) and /metrics (every
            # scrape) read. The processed and ignored ones, nearly all of the table, are not in it.
            models.Index(
                fields=["state", "received_at"],
                condition=models.Q(state__in=[InboundEventState.RECEIVED, InboundEventState.FAILED]),
                name="inbound_open_idx",
            ),
        ]

    def __str__(self):
        return f"{self.event} {self.event_id}"


class Drift(models.Model):
    """A difference found between the portal and a partner by reconciliation."""

    kind = models.CharField(max_length=40, verbose_name=_("kind"))
    community = models.ForeignKey(
        "core.Community", on_delete=models.CASCADE, related_name="drifts", verbose_name=_("community")
    )
    target_type = models.CharField(max_length=50, verbose_name=_("target type"))
    target_id = models.CharField(max_length=64, verbose_name=_("target id"))
    detail = models.JSONField(default=dict, blank=True, verbose_name=_("detail"))
    detected_at = models.DateTimeField(auto_now_add=True, verbose_name=_("detected at"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("resolved at"))
    repair_delivery = models.ForeignKey(
        "integrations.OutboundDelivery",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("repair delivery"),
    )

    class Meta:
        verbose_name = _("drift")
        verbose_name_plural = _("drifts")
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

    target_type = models.CharField(max_length=50, unique=True, verbose_name=_("target type"))
    position = models.BigIntegerField(
        default=0, help_text=_("The last target id the pass went past; 0: its start."), verbose_name=_("position")
    )
    pass_started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("pass started at"))
    pass_compared = models.PositiveIntegerField(
        default=0, help_text=_("Targets compared so far in this pass."), verbose_name=_("pass compared")
    )
    pass_runs = models.PositiveIntegerField(
        default=0, help_text=_("Runs that worked on this pass."), verbose_name=_("pass runs")
    )
    due = models.PositiveIntegerField(
        default=0, help_text=_("Targets in the compared set at the last run."), verbose_name=_("due")
    )
    last_pass_started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last pass started at"))
    last_pass_completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last pass completed at"))
    last_pass_compared = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("last pass compared"))
    last_pass_due = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("last pass due"))
    last_pass_runs = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("last pass runs"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("reconciliation cursor")
        verbose_name_plural = _("reconciliation cursors")

    def __str__(self):
        return f"reconciliation of {self.target_type}s at #{self.position}"
