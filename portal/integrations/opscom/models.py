"""What the portal knows of its vehicles' parking permits at OPS-COM."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OpscomParking(models.Model):
    """A vehicle's parking permit at OPS-COM: the reference its update and delete need."""

    vehicle = models.OneToOneField(
        "permits.Vehicle", on_delete=models.CASCADE, primary_key=True, related_name="opscom", verbose_name=_("vehicle")
    )
    reference_id = models.CharField("OPS-COM reference id", max_length=50, blank=True)

    class Meta:
        verbose_name = _("OPS-COM parking permit")
        verbose_name_plural = _("OPS-COM parking permits")

    def __str__(self):
        return f"vehicle {self.vehicle_id} → {self.reference_id or '-'}"
