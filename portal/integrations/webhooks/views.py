"""``POST /webhooks/buzzin/``: ordered checks over the raw body, then store once and answer at once."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponseNotAllowed, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_variables

from ..buzzin.signing import DELIVERY_HEADER, EVENT_HEADER, current_time_ms
from .envelope import EnvelopeError, parse_envelope
from .store import inbound_event_record
from .verification import Verification, verify_delivery

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024


class Refusal(Exception):
    def __init__(self, status: int, error: str, detail: str = ""):
        super().__init__(error)
        self.status, self.error, self.detail = status, error, detail


@csrf_exempt
@sensitive_variables("secret")
def buzzin_webhook(request: HttpRequest):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        secret = _configured_secret()
        raw_body = _read_body(request)
        verification = _verify(request, raw_body, secret)
        envelope = _envelope(raw_body)
    except Refusal as refusal:
        _log_refusal(request, refusal)
        return JsonResponse({"error": refusal.error}, status=refusal.status)
    delivery_id = request.headers.get(DELIVERY_HEADER, "")
    inbound, created = inbound_event_record(
        envelope=envelope, verification=verification.method, delivery_id=delivery_id
    )
    logger.info("buzzin webhook %s %s stored=%s via %s", inbound.event, inbound.event_id, created, verification.method)
    return JsonResponse({"status": "accepted" if created else "duplicate", "id": inbound.event_id})


@sensitive_variables()
def _verify(request: HttpRequest, raw_body: bytes, secret: str) -> Verification:
    """Any failure to verify, even one nobody foresaw in a malformed header, is a refusal and never a 500."""
    try:
        verification = verify_delivery(
            request.headers,
            raw_body,
            secret,
            now_ms=current_time_ms(),
            allow_token_only=settings.BUZZIN_WEBHOOK_ALLOW_TOKEN_ONLY,
        )
    except Exception as exc:  # the guard: the checks themselves must not become the attack surface
        raise Refusal(401, "unauthorized", f"verification raised {type(exc).__name__}") from None
    if not verification.ok:
        raise Refusal(401, "unauthorized", verification.reason)
    return verification


@sensitive_variables()
def _configured_secret() -> str:
    secret = settings.BUZZIN_WEBHOOK_SECRET or ""
    if not secret:
        raise Refusal(503, "webhook receiver not configured", "BUZZIN_WEBHOOK_SECRET is empty")
    return secret


def _read_body(request: HttpRequest) -> bytes:
    """At most MAX_BODY_BYTES, refused from the declared length before anything is read."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(declared)
    except ValueError:
        raise Refusal(400, "invalid content length") from None
    if length > MAX_BODY_BYTES:
        raise Refusal(413, "body too large", f"{length} bytes declared")
    raw_body = request.read(MAX_BODY_BYTES + 1)
    if len(raw_body) > MAX_BODY_BYTES:
        raise Refusal(413, "body too large")
    if not raw_body:
        raise Refusal(400, "empty body")
    return raw_body


def _envelope(raw_body: bytes) -> dict:
    try:
        return parse_envelope(raw_body)
    except EnvelopeError as error:
        raise Refusal(400, str(error)) from None


def _log_refusal(request: HttpRequest, refusal: Refusal) -> None:
    """Only what identifies the delivery: never the secret, the token or the signature."""
    logger.warning(
        "buzzin webhook refused: %s %s (%s) event=%.100r delivery=%.100r from %s",
        refusal.status,
        refusal.error,
        refusal.detail or "-",
        request.headers.get(EVENT_HEADER, ""),
        request.headers.get(DELIVERY_HEADER, ""),
        request.META.get("REMOTE_ADDR", "-"),
    )
