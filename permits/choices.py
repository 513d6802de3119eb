from django.db import models
from django.utils.translation import gettext_lazy as _


class PermitStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    ARCHIVED = "archived", _("Archived")
    CANCELLED = "cancelled", _("Cancelled")


class PermitType(models.TextChoices):
    FIT_OUT = "fit_out", _("Fit-out")
    MAINTENANCE = "maintenance", _("Maintenance")
    MOVE_IN = "move_in", _("Move-in")
    MOVE_OUT = "move_out", _("Move-out")
    BUILD_UP = "build_up", _("Build-up")
    OTHER = "other", _("Other")


class PermitSource(models.TextChoices):
    PORTAL = "portal", _("Portal")
    API = "api", _("API")


class ParkingState(models.TextChoices):
    NONE = "none", _("No parking permit")
    REQUESTED = "requested", _("Requested")
    ACTIVE = "active", _("Active")
    DELETED = "deleted", _("Deleted")
    FAILED = "failed", _("Failed")


class ScanKind(models.TextChoices):
    SCANNED = "scanned", _("Scan")
    FIRST = "first", _("First scan")
    LAST = "last", _("Last scan")


class ScanDirection(models.TextChoices):
    ENTRY = "entry", _("Entry")
    EXIT = "exit", _("Exit")
    UNKNOWN = "unknown", _("Unknown")


class DecisionStage(models.TextChoices):
    """What waits for a manager's decision, each with its own deadline."""

    PERMIT = "permit", _("Submitted permit")
    EXTENSION = "extension", _("Extension request")


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    EXTENDED = "extended", _("Extended")
    WITHDRAWN = "withdrawn", _("No longer waiting")  # cancelled, replaced, or the permit ended: not a decision
