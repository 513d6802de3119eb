"""``python -m sandboxes.buzzin --port 8101 --webhook-url URL --webhook-secret S``.

The optional ``--config-file`` is JSON: ``{"communities": [...], "acceptDelay": 1.0, "webhookUrl": ...,
"webhookSecret": ..., "autoApproveContractorsAfter": 1.0}``; command-line flags win over it.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from . import start_sandbox
from .demo import DEMO_COMMUNITY

CONFIG_FILE_KEYS = {
    "acceptDelay": "accept_delay",
    "webhookUrl": "webhook_url",
    "webhookSecret": "webhook_secret",
    "autoApproveContractorsAfter": "auto_approve_contractors_after",
    "webhookRetryDelays": "webhook_retry_delays",
    "latency": "latency",
}
DEFAULT_AUTO_APPROVE_SECONDS = 1.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandboxes.buzzin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--webhook-url", help="where webhooks are POSTed (the portal's receiver)")
    parser.add_argument("--webhook-secret", help="shared secret for the HMAC signature and X-Buzzin-Token")
    parser.add_argument("--config-file", type=Path, help="JSON with communities and options")
    parser.add_argument("--accept-delay", type=float, help="seconds from submit to acceptance (default 1.0)")
    parser.add_argument("--latency", type=float, help="seconds every API call waits before it is answered (default 0)")
    parser.add_argument(
        "--auto-approve-after",
        type=float,
        help=f"seconds before a new contractor is approved (default {DEFAULT_AUTO_APPROVE_SECONDS}; negative: never)",
    )
    return parser.parse_args(argv)


def build_options(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    file_config = json.loads(args.config_file.read_text()) if args.config_file else {}
    communities = file_config.get("communities") or [DEMO_COMMUNITY]
    options = {"auto_approve_contractors_after": DEFAULT_AUTO_APPROVE_SECONDS}
    options.update({name: file_config[key] for key, name in CONFIG_FILE_KEYS.items() if key in file_config})
    overrides = {
        "webhook_url": args.webhook_url,
        "webhook_secret": args.webhook_secret,
        "accept_delay": args.accept_delay,
        "auto_approve_contractors_after": args.auto_approve_after,
        "latency": args.latency,
    }
    options.update({name: value for name, value in overrides.items() if value is not None})
    if options["auto_approve_contractors_after"] is not None and options["auto_approve_contractors_after"] < 0:
        options["auto_approve_contractors_after"] = None
    return communities, options


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse_args(argv)
    communities, options = build_options(args)
    handle = start_sandbox(args.host, args.port, communities=communities, **options)
    stop_requested = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop_requested.set())
    print(f"Buzz-In sandbox on {handle.url}", file=sys.stderr)
    for community in handle.state.communities.values():
        flats = sum(len(prop.flats) for prop in community.properties)
        print(f"  community {community.id}: {len(community.properties)} properties, {flats} flats", file=sys.stderr)
    try:
        while not stop_requested.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    handle.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
