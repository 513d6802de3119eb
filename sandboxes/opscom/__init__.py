"""A local OPS-COM stand-in: the permit push/update/delete API with OPS-COM's rules and error codes,
plus a ``/_sandbox/`` control API for tests and demos. Pure stdlib; never enabled in production.

    handle = start_sandbox(client_code="OC-DEMO", api_token="sandbox-token")
    ... OpscomClient(handle.url, "OC-DEMO", "sandbox-token") ...
    handle.stop()

Command line: ``python -m sandboxes.opscom --port 8102 --client-code OC-DEMO``
(token from ``--api-token`` or ``OPSCOM_API_TOKEN``).
"""

from sandboxes.opscom.rules import OpscomError
from sandboxes.opscom.server import SandboxHandle, http_status_for, start_sandbox
from sandboxes.opscom.state import DEFAULT_ZONES, SandboxConfig, SandboxState

__all__ = [
    "DEFAULT_ZONES",
    "OpscomError",
    "SandboxConfig",
    "SandboxHandle",
    "SandboxState",
    "http_status_for",
    "start_sandbox",
]
