from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ScanDirection, ScanKind


class GateScan(models.Model):
    """A pass scanned at a gate, as the gate system reported it."""

    permit = models.ForeignKey(
        "permits.Permit", on_delete=models.CASCADE, related_name="scans", verbose_name=_("permit")
    )
    event_id = models.CharField(
        max_length=64, unique=True, help_text=_("The webhook envelope id."), verbose_name=_("event id")
    )
    kind = models.CharField(max_length=8, choices=ScanKind.choices, default=ScanKind.SCANNED, verbose_name=_("kind"))
    scanned_at = models.DateTimeField(verbose_name=_("scanned at"))
    direction = models.CharField(
        max_length=8, choices=ScanDirection.choices, default=ScanDirection.UNKNOWN, verbose_name=_("direction")
    )
    gate = models.CharField(max_length=100, blank=True, verbose_name=_("gate"))
    employee_name = models.CharField(max_length=200, blank=True, verbose_name=_("employee name"))

    class Meta:
        verbose_name = _("gate scan")
        verbose_name_plural = _("gate scans")
        ordering = ["-scanned_at", "-id"]
        indexes = [models.Index(fields=["permit", "scanned_at"], name="scan_permit_time_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.scanned_at:%Y-%m-%d %H:%M} {self.gate}"
