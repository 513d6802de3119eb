from django.db import models


class MembershipStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    REVOKED = "revoked", "Revoked"


class DocumentKind(models.TextChoices):
    TRADE_LICENCE = "trade_licence", "Trade licence"
    INSURANCE = "insurance", "Insurance"


class AttentionParty(models.TextChoices):
    """Who can fix what a partner refused: the company's users (their own details) or the property manager."""

    COMPANY = "company", "The company"
    MANAGER = "manager", "The property manager"
