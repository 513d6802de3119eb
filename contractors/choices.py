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
    """Who can fix what a partner refused, and where: the company's users (their contact details, or the
    permit's own data such as a vehicle's plate) or the property manager."""

    COMPANY = "company", _("The company")
    PERMIT = "permit", _("The company, on the permit")
    MANAGER = "manager", _("The property manager")
