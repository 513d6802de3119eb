from django.db import models


class MembershipStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    REVOKED = "revoked", "Revoked"


class BuzzinContractorState(models.TextChoices):
    NOT_SENT = "not_sent", "Not sent"
    PENDING = "pending", "Pending at Buzz-In"
    APPROVED = "approved", "Approved at Buzz-In"
    REMOVED = "removed", "Removed at Buzz-In"


class DocumentKind(models.TextChoices):
    TRADE_LICENCE = "trade_licence", "Trade licence"
    INSURANCE = "insurance", "Insurance"
