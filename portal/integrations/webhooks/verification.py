"""Is this delivery from Buzz-In? Decided over the raw body, before anything is parsed or stored.

DECISION (contract "Webhooks"): when the HMAC headers are present they must verify, and a valid token does
not rescue a bad signature; otherwise ``X-Buzzin-Token`` must equal the secret, unless token-only deliveries
are switched off (``BUZZIN_WEBHOOK_ALLOW_TOKEN_ONLY``, off in production): the token never expires, while a
signature is bound to its body and is stale after five minutes. Constant-time comparisons.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from django.views.decorators.debug import sensitive_variables

from ..buzzin.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, TOKEN_HEADER, verify_signature

HMAC = "hmac"
TOKEN = "token"


@dataclass(frozen=True)
class Verification:
    ok: bool
    method: str  # hmac, token or "" when no credentials came
    reason: str  # for the log only: never the secret, the token or the signature


@sensitive_variables()
def verify_delivery(
    headers: Mapping[str, str], raw_body: bytes, secret: str, now_ms: int, *, allow_token_only: bool = True
) -> Verification:
    signature = headers.get(SIGNATURE_HEADER)
    timestamp = headers.get(TIMESTAMP_HEADER)
    if signature is not None or timestamp is not None:
        ok, reason = verify_signature(secret, timestamp, signature, raw_body, now_ms)
        return Verification(ok, HMAC, reason)
    token = headers.get(TOKEN_HEADER)
    if token is None:
        return Verification(False, "", "no signature and no token")
    if not allow_token_only:
        return Verification(False, TOKEN, "token without signature, refused (BUZZIN_WEBHOOK_ALLOW_TOKEN_ONLY is off)")
    if not hmac.compare_digest(token.encode("utf-8", "replace"), secret.encode()):
        return Verification(False, TOKEN, "token mismatch")
    return Verification(True, TOKEN, "ok")
