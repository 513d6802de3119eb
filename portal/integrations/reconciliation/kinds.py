"""The kinds of drift reconciliation records, and what repairs each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DriftKind(models.TextChoices):
    PASS_LIVE_AFTER_REVOCATION = "pass_live_after_revocation", _("Pass still live after revocation")
    STATUS_DIFFERS = "status_differs", _("Status differs")
    DATES_DIFFER = "dates_differ", _("Dates differ")
    MISSING_AT_BUZZIN = "missing_at_buzzin", _("Missing at Buzz-In")
    PARKING_MISSING = "parking_missing", _("Parking permit missing at OPS-COM")
    SCAN_AFTER_END = "scan_after_end", _("Pass scanned after the permit ended")


# What one check of a target can find; a kind in scope but not found again is resolved.
PERMIT_KINDS = (
    DriftKind.PASS_LIVE_AFTER_REVOCATION,
    DriftKind.STATUS_DIFFERS,
    DriftKind.DATES_DIFFER,
    DriftKind.MISSING_AT_BUZZIN,
)
VEHICLE_KINDS = (DriftKind.PARKING_MISSING,)


def kind_label(kind: str) -> str:
    try:
        return DriftKind(kind).label
    except ValueError:
        return kind
