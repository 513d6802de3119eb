from django.db import models


class StaffRole(models.TextChoices):
    PROPERTY_MANAGER = "property_manager", "Property manager"
    SECURITY = "security", "Security"
