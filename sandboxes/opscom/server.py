"""The OPS-COM sandbox's HTTP side: the permit API, the ``/_sandbox/`` control API, outages.

HTTP statuses for OPS-COM errors are not documented; the sandbox answers 401 for 9000-9002, 404 for
9009, 409 for 9022 and 400 otherwise (or 200 for every error with ``errorsAs200``). The client
ignores them whenever a body carries ``ErrorCode``.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from portal.integrations.http import redact
from sandboxes.opscom.rules import OpscomError
from sandboxes.opscom.state import Outage, SandboxConfig, SandboxState

logger = logging.getLogger("sandboxes.opscom")

API_PATH = re.compile(r"^/api/(?P<client>[^/]*)/v1/permits/(?P<action>push|update|delete)/?$")
FORGET_PATH = re.compile(r"^/_sandbox/permits/(?P<reference>[^/]+)/forget/?$")
CONTROL_PREFIX = "/_sandbox/"
MAX_BODY_BYTES = 1_000_000
HANG_LIMIT_SECONDS = 60.0  # a hang without an end still answers eventually
HANG_POLL_SECONDS = 0.05


def http_status_for(code: int) -> int:
    if code in (9000, 9001, 9002):
        return 401
    if code == 9009:
        return 404
    if code == 9022:
        return 409
    return 400


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: SandboxState):
        super().__init__(address, SandboxRequestHandler)
        self.state = state
        self.stopping = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out and closed its socket is normal here (hang outages); stay quiet.
        logger.debug("connection from %s ended abruptly", client_address, exc_info=True)


ControlHandler = Callable[[SandboxState, dict[str, Any]], tuple[int, dict[str, Any]]]


def _control_state(state: SandboxState, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 200, state.snapshot()


def _control_stats(state: SandboxState, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 200, state.stats()


def _control_reset(state: SandboxState, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    state.reset()
    return 200, {"status": "reset", "config": state.config.public()}


def _control_config(state: SandboxState, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    try:
        config = state.configure(body)
    except (TypeError, ValueError) as error:
        return 400, {"error": str(error)}
    return 200, {"config": config.public()}


def _control_outage(state: SandboxState, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    try:
        outage = state.start_outage(str(body.get("mode", "")), body.get("seconds"))
    except ValueError as error:
        return 400, {"error": str(error)}
    return 200, {"outage": outage.public() if outage else None}


CONTROL_ROUTES: dict[tuple[str, str], ControlHandler] = {
    ("GET", "/_sandbox/state"): _control_state,
    ("GET", "/_sandbox/stats"): _control_stats,
    ("POST", "/_sandbox/reset"): _control_reset,
    ("POST", "/_sandbox/config"): _control_config,
    ("POST", "/_sandbox/outage"): _control_outage,
}


class SandboxRequestHandler(BaseHTTPRequestHandler):
    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive, like the pooled client expects
    server_version = "OpscomSandbox/1.0"
    timeout = 10  # idle keep-alive connections are closed after this many seconds

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes; without this, delayed ACKs add ~40 ms per call.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_PUT(self) -> None:
        self._route("PUT")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def _route(self, method: str) -> None:
        raw_body = self._read_body()
        if raw_body is None:
            return
        path = urlsplit(self.path).path
        if path.startswith(CONTROL_PREFIX):
            self._serve_control(method, path, raw_body)
            return
        match = API_PATH.match(path)
        if match is None:
            self._send(404, b"Not Found", "text/plain")
        elif method != "POST":
            self._send(405, b"Method Not Allowed", "text/plain")
        else:
            self._serve_api(match["action"], unquote(match["client"]), raw_body)

    def _read_body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True
            self._send(400, b"Bad Content-Length", "text/plain")
            return None
        return self.rfile.read(length) if length else b""

    # --- permit API ---

    def _serve_api(self, action: str, client_code: str, raw_body: bytes) -> None:
        state = self.server.state
        outage = state.current_outage()
        if outage is not None:
            state.record_outage_rejection(action)
            self._answer_outage(outage, raw_body)
            return
        config = state.config
        try:
            payload = state.handle_api(action, client_code, raw_body, self.headers.get("Idempotency-Key"))
            status = 200
        except OpscomError as error:
            payload = {"ErrorCode": error.code, "ErrorMessage": error.message}
            status = 200 if config.errors_as_200 else http_status_for(error.code)
        if config.echo_request:
            payload["echo"] = _lenient_json(raw_body)
        # Logged before answering, so a caller that reads the log after the answer finds the line.
        self._log(status, raw_body, payload.get("ErrorCode"), payload.get("ErrorMessage"))
        self._send_json(status, payload)

    def _answer_outage(self, outage: Outage, raw_body: bytes) -> None:
        if outage.mode == "hang":
            self._hang_while_down()
        status = 429 if outage.mode == "429" else 503
        remaining = outage.remaining_seconds()
        retry_after = {"Retry-After": str(max(1, round(remaining)))} if remaining is not None else {}
        self._log(status, raw_body, None, f"outage ({outage.mode})")
        self._send(status, b"", "text/plain", retry_after)

    def _hang_while_down(self) -> None:
        waited = 0.0
        while self.server.state.current_outage() is not None and waited < HANG_LIMIT_SECONDS:
            if self.server.stopping.wait(HANG_POLL_SECONDS):
                return
            waited += HANG_POLL_SECONDS

    # --- control API ---

    def _serve_control(self, method: str, path: str, raw_body: bytes) -> None:
        body = _lenient_json(raw_body) if raw_body else {}
        if not isinstance(body, dict):
            self._send_json(400, {"error": "expected a JSON object"})
            return
        handler = CONTROL_ROUTES.get((method, path.rstrip("/")))
        forget = FORGET_PATH.match(path) if method == "POST" else None
        if handler is not None:
            status, payload = handler(self.server.state, body)
        elif forget is not None:
            status, payload = self._forget(unquote(forget["reference"]))
        else:
            status, payload = 404, {"error": f"no control endpoint {method} {path}"}
        self._log(status, b"", None, None)
        self._send_json(status, payload)

    def _forget(self, reference_id: str) -> tuple[int, dict[str, Any]]:
        if self.server.state.forget(reference_id):
            return 200, {"forgotten": reference_id}
        return 404, {"error": f"no live permit {reference_id}"}

    # --- output ---

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload).encode("utf-8"), "application/json")

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _log(self, status: int, raw_body: bytes, code: Any, message: Any) -> None:
        outcome = f" ErrorCode {code}: {message}" if code else (f" {message}" if message else "")
        line = f"{self.command} {self.path} -> {status}{outcome}"
        logger.info("%s", redact(line, *self._secrets(raw_body)))

    def _secrets(self, raw_body: bytes) -> tuple[str, ...]:
        # The token the caller sent is a secret even when it is the wrong one.
        received = _lenient_json(raw_body) if raw_body else None
        sent_token = received.get("apiToken") if isinstance(received, dict) else None
        return tuple(t for t in (self.server.state.config.api_token, sent_token) if isinstance(t, str) and t)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Replaced by ``_log``, which knows the outcome and redacts."""

    def log_message(self, format: str, *args: Any) -> None:
        message = redact(format % args, self.server.state.config.api_token)
        # An idle keep-alive connection closing is routine, not a warning.
        logger.log(logging.DEBUG if "timed out" in message else logging.WARNING, "%s", message)


def _lenient_json(raw_body: bytes) -> Any:
    try:
        return json.loads(raw_body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return raw_body.decode("utf-8", errors="replace")


@dataclass
class SandboxHandle:
    server: SandboxHTTPServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def state(self) -> SandboxState:
        return self.server.state

    def stop(self) -> None:
        self.server.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> SandboxHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_sandbox(host: str = "127.0.0.1", port: int = 0, **config: Any) -> SandboxHandle:
    """Serve the sandbox on a daemon thread. ``config``: client_code, api_token, zones, echo_request,
    errors_as_200 (see ``SandboxConfig``). Port 0 picks a free port; read it from ``handle.url``."""
    server = SandboxHTTPServer((host, port), SandboxState(SandboxConfig(**config)))
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="opscom-sandbox", daemon=True
    )
    thread.start()
    return SandboxHandle(server, thread)
