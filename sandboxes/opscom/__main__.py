"""``python -m sandboxes.opscom --port 8102 --client-code OC-DEMO --api-token TOKEN``

Flags fall back on OPSCOM_CLIENT_CODE, OPSCOM_API_TOKEN and OPSCOM_SANDBOX_ZONES (comma-separated),
so the token need not appear on a command line. Logs one redacted line per request to stderr.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from sandboxes.opscom.server import start_sandbox
from sandboxes.opscom.state import DEFAULT_API_TOKEN, DEFAULT_CLIENT_CODE, DEFAULT_ZONES

logger = logging.getLogger("sandboxes.opscom")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandboxes.opscom", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8102, help="0 picks a free port (printed on start)")
    parser.add_argument("--client-code", default=os.environ.get("OPSCOM_CLIENT_CODE", DEFAULT_CLIENT_CODE))
    parser.add_argument("--api-token", default=os.environ.get("OPSCOM_API_TOKEN", DEFAULT_API_TOKEN))
    parser.add_argument(
        "--zones",
        default=os.environ.get("OPSCOM_SANDBOX_ZONES", ",".join(sorted(DEFAULT_ZONES))),
        help="comma-separated zone names",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s opscom-sandbox %(message)s")
    zones = [zone.strip() for zone in args.zones.split(",") if zone.strip()]
    try:
        handle = start_sandbox(
            args.host, args.port, client_code=args.client_code, api_token=args.api_token, zones=zones
        )
    except ValueError as error:
        logger.error("invalid configuration: %s", error)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    logger.info("listening on %s (client code %s, zones %s)", handle.url, args.client_code, ", ".join(zones))
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        handle.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
