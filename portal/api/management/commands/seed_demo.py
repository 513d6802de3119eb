from django.conf import settings
from django.core.management.base import BaseCommand

from permits.demo import seed_demo
from portal.api.demo import seed_api_keys
from portal.integrations.buzzin.demo import buzzin_demo_configure


class Command(BaseCommand):
    help = "Create (or refresh) the demo communities, accounts, permits and API keys. Safe to run again."

    def handle(self, *args, **options):
        result = seed_demo(configure=buzzin_demo_configure)
        api_keys = seed_api_keys()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  Admin:       {settings.SITE_URL}/admin/")
        self.stdout.write(f"  Contractors: {settings.SITE_URL}/")
        self.stdout.write(f"  Password for every account: {result.password}")
        for username, role in result.accounts:
            self.stdout.write(f"    {username:<12} {role}")
        self.stdout.write(f"  JSON API:    {settings.SITE_URL}/api/v1/  (reference: {settings.SITE_URL}/api/docs/)")
        self.stdout.write("  API keys, sent as 'Authorization: Bearer <key>':")
        for community_name, raw_key in api_keys:
            self.stdout.write(f"    {community_name:<14} {raw_key}")
