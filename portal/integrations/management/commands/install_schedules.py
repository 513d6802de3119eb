from django.core.management.base import BaseCommand

from portal.integrations.schedules import schedules_install


class Command(BaseCommand):
    help = "Install the default periodic jobs (relays, expiry, reminders, reconciliation) if missing."

    def handle(self, *args, **options):
        created = schedules_install()
        self.stdout.write(f"Schedules installed: {', '.join(created) if created else 'all present'}")
