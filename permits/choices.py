from django.db import models
from django.utils.translation import gettext_lazy as _


class PermitStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    ARCHIVED = "archived", "Archived"
    CANCELLED = "cancelled", "Cancelled"


class PermitType(models.TextChoices):
    FIT_OUT = "fit_out", "Fit-out"
    MAINTENANCE = "maintenance", "Maintenance"
    MOVE_IN = "move_in", "Move-in"
    MOVE_OUT = "move_out", "Move-out"
    BUILD_UP = "build_up", "Build-up"
    OTHER = "other", "Other"


class PermitSource(models.TextChoices):
    PORTAL = "portal", "Portal"
    API = "api", "API"


class ParkingState(models.TextChoices):
    NONE = "none", "No parking permit"
    REQUESTED = "requested", "Requested"
    ACTIVE = "active", "Active"
    DELETED = "deleted", "Deleted"
    FAILED = "failed", "Failed"


class ScanKind(models.TextChoices):
    SCANNED = "scanned", "Scan"
    FIRST = "first", "First scan"
    LAST = "last", "Last scan"


class ScanDirection(models.TextChoices):
    ENTRY = "entry", "Entry"
    EXIT = "exit", "Exit"
    UNKNOWN = "unknown", "Unknown"


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
