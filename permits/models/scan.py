from django.db import models

from ..choices import ScanDirection, ScanKind


class GateScan(models.Model):
    """A pass scanned at a gate, as the gate system reported it."""

    permit = models.ForeignKey("permits.Permit", on_delete=models.CASCADE, related_name="scans")
    event_id = models.CharField(max_length=64, unique=True, help_text="The webhook envelope id.")
    kind = models.CharField(max_length=8, choices=ScanKind.choices, default=ScanKind.SCANNED)
    scanned_at = models.DateTimeField()
    direction = models.CharField(max_length=8, choices=ScanDirection.choices, default=ScanDirection.UNKNOWN)
    gate = models.CharField(max_length=100, blank=True)
    employee_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-scanned_at", "-id"]
        indexes = [models.Index(fields=["permit", "scanned_at"], name="scan_permit_time_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.scanned_at:%Y-%m-%d %H:%M} {self.gate}"
