"""HTTP plumbing of the sandbox: a stdlib threading server that hands each request to the API or control layer."""

from __future__ import annotations

import json
import logging
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from .api import ApiRequest, handle_api
from .control import PREFIX, handle_control
from .errors import ApiError, Outcome
from .state import SandboxState

logger = logging.getLogger("sandboxes.buzzin")
MAX_BODY_BYTES = 50 * 1024 * 1024


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a request hanging in an outage must not hold up shutdown

    def __init__(self, address: tuple[str, int], state: SandboxState):
        super().__init__(address, SandboxRequestHandler)
        self.state = state


class SandboxRequestHandler(BaseHTTPRequestHandler):
    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; avoid the 40 ms delayed-ACK stall
    server_version = "BuzzinSandbox/1.0"

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        started = time.monotonic()
        path = urlsplit(self.path).path
        try:
            outcome = self._dispatch(path, self._read_body())
            status, body = outcome.status, outcome.body
        except ApiError as error:
            status, body = error.code, error.body()
        except Exception:
            logger.exception("Sandbox failure on %s %s", self.command, path)
            status, body = 500, {"name": "InternalServerError", "message": "sandbox failure", "code": 500}
        self._respond(status, body)
        elapsed_ms = int((time.monotonic() - started) * 1000)
        logger.info('%s "%s %s" %s %sms', self.client_address[0], self.command, path, status, elapsed_ms)

    def _dispatch(self, path: str, raw_body: bytes) -> Outcome:
        state = self.server.state
        if path == PREFIX or path.startswith(PREFIX + "/"):
            return handle_control(state, self.command, path, raw_body)
        if state.config.latency:
            time.sleep(state.config.latency)  # outside the state's lock: concurrent calls wait side by side
        request = ApiRequest(
            method=self.command,
            path=path,
            authorization=self.headers.get("Authorization"),
            idempotency_key=self.headers.get("Idempotency-Key"),
            raw_body=raw_body,
        )
        return handle_api(state, request)

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True  # the unread body would corrupt the next request on this connection
            raise ApiError(400, "Missing, invalid or too large Content-Length")
        return self.rfile.read(length) if length else b""

    def _respond(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its timeout during a hang outage)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the stdlib's own access log; ``_handle`` logs a line without headers (no API key)."""
