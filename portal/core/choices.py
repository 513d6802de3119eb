from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    PROPERTY_MANAGER = "property_manager", _("Property manager")
    SECURITY = "security", _("Security")


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("working hours")
    DAYS = "days", _("working days")


class Weekend(models.TextChoices):
    """The weekly days off of a community's office (ISO weekdays in ``WEEKEND_DAYS``)."""

    SAT_SUN = "sat_sun", _("Saturday and Sunday (UAE since 2022)")
    FRI_SAT = "fri_sat", _("Friday and Saturday")
    FRI_SUN = "fri_sun", _("Friday, Saturday and Sunday")
    FRI = "fri", _("Friday")
    SUN = "sun", _("Sunday")


WEEKEND_DAYS = {
    Weekend.SAT_SUN: frozenset({6, 7}),
    Weekend.FRI_SAT: frozenset({5, 6}),
    Weekend.FRI_SUN: frozenset({5, 6, 7}),
    Weekend.FRI: frozenset({5}),
    Weekend.SUN: frozenset({7}),
}
