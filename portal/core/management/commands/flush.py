"""Django's ``flush``, able to empty the append-only audit log on SQLite (see ``portal.core.audit_guard``).

Test runs flush the database between transactional tests; this is the command they run.
"""

from django.core.management.commands import flush
from django.db import connections

from portal.core.audit_guard import open_for_flush


class Command(flush.Command):
    def handle(self, **options):
        with open_for_flush(connections[options["database"]]):
            super().handle(**options)
