from django.core.management.base import BaseCommand

from permits.reminders import reminders_send

from ._progress import progress_bar


class Command(BaseCommand):
    help = "Send the reminder e-mails that are due (what the daily job does); each goes out once."

    def handle(self, *args, **options):
        bar = progress_bar(self, "Reminders", options)
        result = reminders_send(progress=bar.update)
        bar.finish()
        self.stdout.write(
            f"Sent {result.sent} e-mail(s): {result.permits} about permits ending, {result.nocs} about NOCs, "
            f"{result.documents} about trade licences and insurance."
        )
