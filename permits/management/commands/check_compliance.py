from django.core.management.base import BaseCommand

from permits.services.compliance import compliance_check

from ._progress import progress_bar


class Command(BaseCommand):
    help = "Flag (and, where the community says so, suspend) permits of contractors whose documents lapsed."

    def handle(self, *args, **options):
        bar = progress_bar(self, "Compliance", options)
        result = compliance_check(progress=bar.update)
        bar.finish()
        self.stdout.write(
            f"Checked {result.checked} permit(s): {result.flagged} flagged, {result.cleared} cleared, "
            f"{result.suspended} suspended."
        )
