from django.db import models
from django.utils.translation import gettext_lazy as _


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REVOKED = "revoked", _("Revoked")


class DocumentKind(models.TextChoices):
    TRADE_LICENCE = "trade_licence", _("Trade licence")
    INSURANCE = "insurance", _("Insurance")


class AttentionParty(models.TextChoices):
    """Who can fix what a partner refused: the company's users (their own details) or the property manager."""

    COMPANY = "company", _("The company")
    MANAGER = "manager", _("The property manager")
