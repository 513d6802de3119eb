"""A local stand-in for Buzz-In that enforces the contract and sends signed webhooks.

``start_sandbox()`` runs it in a daemon thread (tests, the portal's run command);
``python -m sandboxes.buzzin`` runs it in the foreground.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, fields
from typing import Any

from .server import SandboxHTTPServer
from .state import SandboxConfig, SandboxState

__all__ = ["SandboxConfig", "SandboxHandle", "SandboxState", "start_sandbox"]


@dataclass
class SandboxHandle:
    server: SandboxHTTPServer
    state: SandboxState
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.state.stop()
        self.thread.join(timeout=2)

    def __enter__(self) -> SandboxHandle:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()


def start_sandbox(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    communities: list[dict[str, Any]] | None = None,
    **config: Any,
) -> SandboxHandle:
    """Serve the sandbox in a daemon thread; ``port=0`` picks a free port (see ``.url``).

    ``config`` takes the ``SandboxConfig`` fields: accept_delay, webhook_url, webhook_secret,
    auto_approve_contractors_after, webhook_retry_delays.
    """
    known = {f.name for f in fields(SandboxConfig)}
    unknown = set(config) - known
    if unknown:
        raise TypeError(f"unknown sandbox option(s): {', '.join(sorted(unknown))}")
    state = SandboxState(SandboxConfig(**config), communities=communities)
    state.start()
    server = SandboxHTTPServer((host, port), state)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.name = f"buzzin-sandbox-{server.server_address[1]}"
    thread.start()
    return SandboxHandle(server=server, state=state, thread=thread)
