"""`makemessages` for the portal's own catalogue (locale/ar), skipping what no user reads.

The sandboxes stand in for partners; tests, benchmarks and fault scripts are for developers: their
strings stay out of the catalogue. No fuzzy matching: a new sentence is left untranslated (and
tests/i18n fails) rather than given a neighbour's translation. `make messages` runs this.
"""

from __future__ import annotations

from django.core.management.commands import makemessages

IGNORED = ["tests/*", "sandboxes/*", "bench/*", "faults/*", "deploy/*", "var/*", "build/*", "screenshots/*"]
LOCALES = ["ar"]


class Command(makemessages.Command):
    help = "Update locale/<lang>/LC_MESSAGES/django.po from the code and templates (no obsolete, no fuzzy entries)."
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def handle(self, *args, **options):
        options.update(
            locale=LOCALES,
            exclude=[],
            domain="django",
            all=False,
            extensions=None,
            symlinks=False,
            ignore_patterns=IGNORED,
            use_default_ignore_patterns=True,
            no_wrap=False,
            no_location=False,
            add_location="file",
            no_obsolete=True,
            keep_pot=False,
        )
        super().handle(*args, **options)

    def add_arguments(self, parser):
        pass  # everything is fixed above: one way to update the catalogue
