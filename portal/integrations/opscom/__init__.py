"""OPS-COM (parking) integration: the HTTP client and its error table. Pure Python, no Django.

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
