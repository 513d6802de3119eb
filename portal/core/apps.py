from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = _("Communities and operations")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import signin_audit
        from .percentiles import register_sqlite_percentile

        signin_audit.connect()
        # Not a domain side effect: SQLite lacks percentile_cont, each connection gets ours.
        connection_created.connect(register_sqlite_percentile, dispatch_uid="portal_sqlite_percentile")
