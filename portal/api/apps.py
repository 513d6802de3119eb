from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "portal.api"
    label = "api"
    verbose_name = _("JSON API")

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI description of the key authentication)
