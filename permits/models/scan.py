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
    off_hours = models.BooleanField(
        default=False,
        help_text=_("An entry outside the permit's daily hours, on its community's clock."),
        verbose_name=_("off hours"),
    )
    after_end = models.BooleanField(
        default=False,
        help_text=_("Accepted at the gate after the permit had ended or was revoked (a drift)."),
        verbose_name=_("after end"),
    )

    class Meta:
        verbose_name = _("gate scan")
        verbose_name_plural = _("gate scans")
        ordering = ["-scanned_at", "-id"]
        indexes = [
            models.Index(fields=["permit", "scanned_at"], name="scan_permit_time_idx"),
            # "On site now" and the flags read the scans of a day across every permit of a community.
            models.Index(fields=["scanned_at"], name="scan_time_idx"),
            # Scans after the end should never happen: the few there are, found without reading the rest.
            models.Index(fields=["permit"], condition=models.Q(after_end=True), name="scan_after_end_idx"),
            # A permit's latest off-hours entry, when ``Permit.last_off_hours_entry_at`` is rebuilt in bulk.
            models.Index(
                fields=["permit", "scanned_at"], condition=models.Q(off_hours=True), name="scan_off_hours_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.scanned_at:%Y-%m-%d %H:%M} {self.gate}"


class GateScanHour(models.Model):
    """Scans counted per community, local day and local hour: the trends read this, not 50,000 scans a day.

    Kept by ``gate_scan_record`` in the scan's own transaction; ``workers`` counts the workers (a permit's
    pass and the employee name it was scanned for) whose first scan of that local day fell in that hour.
    """

    community = models.ForeignKey(
        "core.Community", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("community")
    )
    day = models.DateField(verbose_name=_("day"))
    hour = models.PositiveSmallIntegerField(verbose_name=_("hour"))
    scans = models.PositiveIntegerField(default=0, verbose_name=_("scans"))
    workers = models.PositiveIntegerField(default=0, verbose_name=_("workers"))

    class Meta:
        verbose_name = _("gate scan hour")
        verbose_name_plural = _("gate scan hours")
        constraints = [
            models.UniqueConstraint(fields=["community", "day", "hour"], name="scan_hour_unique"),
        ]

    def __str__(self):
        return f"{self.day} {self.hour:02d}h: {self.scans}"


class WorkerPresence(models.Model):
    """A worker's latest move through a gate: "on site now" and overstay read these rows, not the day's scans.

    One row per worker (a permit's pass and the employee name it was scanned for), kept by ``gate_scan_record``
    in the scan's own transaction: the ``scanned`` entry or exit with the latest time (the later recorded on a
    tie) wins, whatever order the scans arrive in. ``inside`` when that move is an entry; a worker is on site
    now when it is an entry of the community's today.
    """

    permit = models.ForeignKey(
        "permits.Permit", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("permit")
    )
    community = models.ForeignKey(
        "core.Community", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("community")
    )
    # The permit's tower, copied with each move (fixed once a permit is submitted; the next scan would correct it).
    property = models.ForeignKey(
        "core.Property", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("property")
    )
    employee_name = models.CharField(max_length=200, blank=True, verbose_name=_("employee name"))
    scan = models.ForeignKey(GateScan, on_delete=models.CASCADE, related_name="+", verbose_name=_("latest scan"))
    scanned_at = models.DateTimeField(verbose_name=_("scanned at"))
    inside = models.BooleanField(verbose_name=_("inside"))

    class Meta:
        verbose_name = _("worker presence")
        verbose_name_plural = _("worker presences")
        constraints = [
            models.UniqueConstraint(fields=["permit", "employee_name"], name="presence_worker_unique"),
        ]
        indexes = [
            # The workers inside, by community and time of entry: today's are one range of this small index,
            # counted per tower without reading the table.
            models.Index(
                fields=["community", "scanned_at"],
                include=["property"],
                condition=models.Q(inside=True),
                name="presence_inside_idx",
            ),
            # The rows one tower lists.
            models.Index(
                fields=["property", "scanned_at"], condition=models.Q(inside=True), name="presence_tower_inside_idx"
            ),
        ]

    def __str__(self):
        where = "inside" if self.inside else "out"
        return f"{self.employee_name or '-'}: {where} since {self.scanned_at:%Y-%m-%d %H:%M}"
