"""`makemessages` for the portal's own catalogue (locale/ar), skipping what no user reads.

The sandboxes stand in for partners, tests, benchmarks and fault scripts are for developers: their
strings stay out of the catalogue. `make messages` runs this; tests/i18n checks it leaves no entry
untranslated or fuzzy.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

IGNORED = ["tests/*", "sandboxes/*", "bench/*", "faults/*", "deploy/*", "var/*", "build/*", "screenshots/*"]
LOCALES = ["ar"]


class Command(BaseCommand):
    help = "Update locale/<lang>/LC_MESSAGES/django.po from the code and templates (no obsolete entries)."

    def handle(self, *args, **options):
        call_command(
            "makemessages",
            locale=LOCALES,
            ignore_patterns=IGNORED,
            no_obsolete=True,
            add_location="file",
            verbosity=options["verbosity"],
        )
