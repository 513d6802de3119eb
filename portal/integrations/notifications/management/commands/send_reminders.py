from django.core.management.base import BaseCommand

from permits.management.commands._progress import progress_bar
from portal.integrations.notifications.reminders import reminders_send


class Command(BaseCommand):
    help = "Write the reminders that are due (what the daily job does); each person is reminded once."

    def handle(self, *args, **options):
        bar = progress_bar(self, "Reminders", options)
        result = reminders_send(progress=bar.update)
        bar.finish()
        self.stdout.write(
            f"Reminded {result.sent} time(s): {result.permits} about permits ending, {result.nocs} about NOCs, "
            f"{result.documents} about trade licences and insurance."
        )
