from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Its own app (label ``notifications``) so its tables and migrations never collide with the partners'."""

    name = "portal.integrations.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
