from django.conf import settings
from django.core.management.base import BaseCommand

from permits.demo import seed_demo


class Command(BaseCommand):
    help = "Create (or refresh) the demo communities, accounts and permits. Safe to run again."

    def handle(self, *args, **options):
        result = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  Admin:       {settings.SITE_URL}/admin/")
        self.stdout.write(f"  Contractors: {settings.SITE_URL}/")
        self.stdout.write(f"  Password for every account: {result.password}")
        for username, role in result.accounts:
            self.stdout.write(f"    {username:<12} {role}")
