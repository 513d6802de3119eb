from django.db import models


class MembershipStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    REVOKED = "revoked", "Revoked"


class DocumentKind(models.TextChoices):
    TRADE_LICENCE = "trade_licence", "Trade licence"
    INSURANCE = "insurance", "Insurance"
