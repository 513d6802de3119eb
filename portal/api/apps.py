from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "portal.api"
    label = "api"
    verbose_name = "JSON API"

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI description of the key authentication)
