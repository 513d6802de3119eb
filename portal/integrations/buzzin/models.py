"""What the portal knows of its objects at Buzz-In: their ids there, and Buzz-In's view of their state.

The domain models carry none of this; each row hangs off the domain object it describes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BuzzinContractorState(models.TextChoices):
    NOT_SENT = "not_sent", _("Not sent")
    PENDING = "pending", _("Pending at Buzz-In")
    APPROVED = "approved", _("Approved at Buzz-In")
    REMOVED = "removed", _("Removed at Buzz-In")


class BuzzinCommunity(models.Model):
    """The community at Buzz-In: its id there and the API key scoped to it (a secret, never shown back)."""

    community = models.OneToOneField(
        "core.Community", on_delete=models.CASCADE, primary_key=True, related_name="buzzin", verbose_name=_("community")
    )
    buzzin_id = models.CharField("Buzz-In community id", max_length=24, blank=True, db_index=True)
    api_key = models.CharField(
        "Buzz-In API key", max_length=200, blank=True, help_text=_("Empty: the BUZZIN_API_KEY setting is used.")
    )

    class Meta:
        verbose_name = _("Buzz-In community")
        verbose_name_plural = _("Buzz-In communities")

    def __str__(self):
        return f"{self.community} at Buzz-In"


class BuzzinProperty(models.Model):
    property = models.OneToOneField(
        "core.Property", on_delete=models.CASCADE, primary_key=True, related_name="buzzin", verbose_name=_("property")
    )
    buzzin_id = models.CharField("Buzz-In id", max_length=24, blank=True)

    class Meta:
        verbose_name = _("Buzz-In property")
        verbose_name_plural = _("Buzz-In properties")

    def __str__(self):
        return f"{self.property} → {self.buzzin_id or '-'}"


class BuzzinUnit(models.Model):
    unit = models.OneToOneField(
        "core.Unit", on_delete=models.CASCADE, primary_key=True, related_name="buzzin", verbose_name=_("unit")
    )
    buzzin_id = models.CharField("Buzz-In id", max_length=24, blank=True)

    class Meta:
        verbose_name = _("Buzz-In unit")
        verbose_name_plural = _("Buzz-In units")

    def __str__(self):
        return f"{self.unit} → {self.buzzin_id or '-'}"


class BuzzinContractor(models.Model):
    """A company's one Buzz-In id: Buzz-In's contractor is global, whatever the community (contract DECISION)."""

    contractor = models.OneToOneField(
        "contractors.Contractor",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="buzzin",
        verbose_name=_("contractor"),
    )
    buzzin_id = models.CharField("Buzz-In id", max_length=24, blank=True, db_index=True)

    class Meta:
        verbose_name = _("Buzz-In contractor")
        verbose_name_plural = _("Buzz-In contractors")

    def __str__(self):
        return f"{self.contractor} → {self.buzzin_id or '-'}"


class BuzzinMembership(models.Model):
    """A company's standing at one community's Buzz-In, as the portal last learnt it."""

    membership = models.OneToOneField(
        "contractors.ContractorMembership",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="buzzin",
        verbose_name=_("membership"),
    )
    state = models.CharField(
        max_length=16,
        choices=BuzzinContractorState.choices,
        default=BuzzinContractorState.NOT_SENT,
        verbose_name=_("state"),
    )
    event_at = models.DateTimeField(
        null=True, blank=True, help_text=_("createdAt of the last applied webhook."), verbose_name=_("event at")
    )

    class Meta:
        verbose_name = _("Buzz-In membership")
        verbose_name_plural = _("Buzz-In memberships")

    def __str__(self):
        return f"{self.membership_id}: {self.get_state_display()}"


class BuzzinPermit(models.Model):
    """A permit at Buzz-In: its id there, Buzz-In's status name and the time of the last webhook applied."""

    permit = models.OneToOneField(
        "permits.Permit", on_delete=models.CASCADE, primary_key=True, related_name="buzzin", verbose_name=_("permit")
    )
    buzzin_id = models.CharField("Buzz-In id", max_length=24, blank=True, db_index=True)
    status = models.CharField("Buzz-In status", max_length=32, blank=True)
    event_at = models.DateTimeField(
        null=True, blank=True, help_text=_("createdAt of the last applied webhook."), verbose_name=_("event at")
    )

    class Meta:
        verbose_name = _("Buzz-In permit")
        verbose_name_plural = _("Buzz-In permits")

    def __str__(self):
        return f"{self.permit_id} → {self.buzzin_id or '-'} {self.status}"
