from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    PROPERTY_MANAGER = "property_manager", _("Property manager")
