from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Its own app (label ``notifications``) so its tables and migrations never collide with the partners'."""

    name = "portal.integrations.notifications"
    label = "notifications"
    verbose_name = "Notifications"
