from django.core.management.base import BaseCommand

from permits.services.expiry import permits_due_count, permits_expire_due

from ._progress import progress_bar


class Command(BaseCommand):
    help = "Expire every approved or active permit whose validity has ended (what the 5-minute job does)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, batch_size, **options):
        total = permits_due_count()
        bar = progress_bar(self, "Expiring", options)
        expired = permits_expire_due(batch_size=batch_size, progress=lambda done: bar.update(done, total))
        bar.finish()
        self.stdout.write(f"Expired {expired} permit(s).")
