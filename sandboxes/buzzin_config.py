import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.integrations.sandbox_catalogue import buzzin_sandbox_communities


class Command(BaseCommand):
    help = "Write the Buzz-In sandbox's configuration (communities, properties, units) from the database."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--webhook-url", required=True)

    def handle(self, *args, output: Path, webhook_url: str, **options):
        from django.conf import settings

        if not settings.SANDBOXES_ENABLED:
            raise CommandError("Sandboxes are disabled in these settings.")
        config = {
            "communities": buzzin_sandbox_communities(),
            "webhookUrl": webhook_url,
            "webhookSecret": settings.BUZZIN_WEBHOOK_SECRET,
            "acceptDelay": 2.0,
            "autoApproveContractorsAfter": 2.0,
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(config, indent=2))
        output.chmod(0o600)
        self.stdout.write(f"Sandbox configuration for {len(config['communities'])} communities in {output}")
