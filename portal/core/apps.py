from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = "Communities and operations"

    def ready(self):
        from . import signin_audit

        signin_audit.connect()
