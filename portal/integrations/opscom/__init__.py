"""OPS-COM (parking): the client and its error table (pure Python), and the portal's side of the partner:
its table of parking references (``models``), the subscriber, the calls' handlers and payloads, ``records``.

The local stand-in lives outside the production package, in ``sandboxes.opscom`` (a checkout only).
"""

from portal.integrations.opscom.client import (
    DEFAULT_TZ_NAME,
    OpscomClient,
    format_amount,
    format_local_datetime,
    interpret_response,
    request_summary,
)
from portal.integrations.opscom.errors import ERROR_TABLE, REACTIONS, ErrorRule, reaction_for, rule_for

__all__ = [
    "DEFAULT_TZ_NAME",
    "ERROR_TABLE",
    "REACTIONS",
    "ErrorRule",
    "OpscomClient",
    "format_amount",
    "format_local_datetime",
    "interpret_response",
    "reaction_for",
    "request_summary",
    "rule_for",
]
