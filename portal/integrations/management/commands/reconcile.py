import time

from django.core.management.base import BaseCommand

from permits.management.commands._progress import progress_bar
from portal.integrations.reconciliation import reconcile
from portal.integrations.reconciliation.kinds import kind_label


class Command(BaseCommand):
    help = "Compare the portal with Buzz-In and OPS-COM and record every drift (what the hourly job does)."

    def add_arguments(self, parser):
        parser.add_argument("--max-seconds", type=float, default=None, help="Stop after this long; resume next run.")
        parser.add_argument("--limit", type=int, default=None, help="Stop after this many targets; resume next run.")

    def handle(self, *args, max_seconds, limit, **options):
        deadline = time.monotonic() + max_seconds if max_seconds else None
        bar = progress_bar(self, "Reconciling", options)
        result = reconcile(deadline=deadline, limit=limit, progress=bar.update)
        bar.finish()
        found = ", ".join(f"{count} {kind_label(kind).lower()}" for kind, count in sorted(result.found.items()))
        self.stdout.write(
            f"Checked {result.permits_checked} permit(s) and {result.vehicles_checked} vehicle(s)"
            f"{'' if result.complete else ' (stopped at the limit; the next run goes on)'}: {found or 'no drift'}. "
            f"{result.opened} new, {result.resolved} resolved, {result.skipped_in_flux} skipped "
            f"(deliveries open), {result.errors} error(s)."
            + "".join(f" Completed a pass over every {kind}." for kind in result.passes_completed)
        )
