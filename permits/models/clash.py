"""A community's clash rules, edited by its property managers (see ``permits.clashes`` for their meaning)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import PermitType


class ClashSettings(models.Model):
    """One per community: which types exclude each other in a unit, each tower's capacity, the neighbours warning."""

    community = models.OneToOneField("core.Community", on_delete=models.CASCADE, related_name="clash_settings")
    warn_adjacent_units = models.BooleanField(
        _("warn about works next door"),
        default=True,
        help_text=_("Warn the manager when a neighbouring unit (same floor, or the unit above or below) has work."),
    )
    unit_digits_per_floor = models.PositiveSmallIntegerField(
        _("digits of the number on a floor"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("Unit 0712 with 2 digits: floor 7, number 12. The last number in the unit's id is read."),
    )

    class Meta:
        verbose_name = _("clash settings")
        verbose_name_plural = _("clash settings")

    def __str__(self):
        return str(self.community)


class ExclusiveTypePair(models.Model):
    """Two permit types that may not overlap in the same unit (the same type twice is allowed: fit-out, fit-out)."""

    settings = models.ForeignKey(ClashSettings, on_delete=models.CASCADE, related_name="exclusive_pairs")
    first_type = models.CharField(_("type"), max_length=16, choices=PermitType.choices)
    second_type = models.CharField(_("excludes"), max_length=16, choices=PermitType.choices)

    class Meta:
        verbose_name = _("types that exclude each other in a unit")
        verbose_name_plural = _("types that exclude each other in a unit")
        constraints = [
            models.UniqueConstraint(fields=["settings", "first_type", "second_type"], name="exclusive_pair_unique")
        ]

    def __str__(self):
        return f"{self.get_first_type_display()} × {self.get_second_type_display()}"


class PropertyCapacity(models.Model):
    """At most ``max_per_day`` permits of ``permit_type`` active on one day in ``property`` (e.g. the service lift)."""

    settings = models.ForeignKey(ClashSettings, on_delete=models.CASCADE, related_name="capacities")
    property = models.ForeignKey(
        "core.Property", on_delete=models.CASCADE, related_name="permit_capacities", verbose_name=_("building")
    )
    permit_type = models.CharField(_("type"), max_length=16, choices=PermitType.choices)
    max_per_day = models.PositiveSmallIntegerField(
        _("at most per day"), validators=[MinValueValidator(1), MaxValueValidator(999)]
    )

    class Meta:
        verbose_name = _("capacity of a building")
        verbose_name_plural = _("capacities of the buildings")
        constraints = [
            models.UniqueConstraint(fields=["property", "permit_type"], name="property_capacity_unique_per_type")
        ]

    def __str__(self):
        return f"{self.property.name}: {self.get_permit_type_display()} ≤ {self.max_per_day}"

    def clean(self):
        try:
            community_id = self.settings.community_id  # the admin's inline sets the (maybe unsaved) settings
        except ClashSettings.DoesNotExist:
            return
        if self.property_id and community_id and self.property.community_id != community_id:
            raise ValidationError({"property": _("Pick a building of this community.")})
