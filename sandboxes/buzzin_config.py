"""``python -m sandboxes.buzzin_config --output FILE --webhook-url URL``: the Buzz-In sandbox's configuration
(communities, properties, units, webhook target) written from the portal's database.

The dev run (``portal.devrun``) writes it before it starts ``python -m sandboxes.buzzin --config-file FILE``.
Runs with the settings in ``DJANGO_SETTINGS_MODULE`` (default ``portal.settings.base``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandboxes.buzzin_config", description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--webhook-url", required=True)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    import django

    django.setup()
    from django.conf import settings

    from sandboxes.catalogue import buzzin_sandbox_communities

    if not settings.SANDBOXES_ENABLED:
        print("Sandboxes are disabled in these settings.", file=sys.stderr)
        return 1
    config = {
        "communities": buzzin_sandbox_communities(),
        "webhookUrl": args.webhook_url,
        "webhookSecret": settings.BUZZIN_WEBHOOK_SECRET,
        "acceptDelay": 2.0,
        "autoApproveContractorsAfter": 2.0,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(config, indent=2))
    args.output.chmod(0o600)
    print(f"Sandbox configuration for {len(config['communities'])} communities in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
