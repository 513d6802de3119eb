"""Run the handler of one stored event, once: the row is locked and its state says whether it is still to do."""

from __future__ import annotations

import logging
from contextlib import nullcontext

from django.db import transaction
from django.utils import timezone

from ..models import InboundEvent, InboundEventState
from .envelope import Envelope
from .handlers import HANDLERS, prepared
from .lookups import CommunityMismatch, TargetMissing

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # an event whose permit or contractor stays unknown is given up after this many tries
ERROR_MAX_CHARS = 2000


def inbound_event_process(inbound_event_id: int, *, force: bool = False) -> InboundEvent:
    """Process a received event; ``force`` runs it again whatever its state (the admin's "process again").

    What the handler needs from storage (the pass image) is written first, outside the transaction.
    """
    inbound = InboundEvent.objects.get(pk=inbound_event_id)
    if inbound.state != InboundEventState.RECEIVED and not force:
        return inbound
    handler = HANDLERS.get(inbound.event)
    envelope = Envelope.from_inbound(inbound)
    with prepared(envelope, handler) if handler else nullcontext() as resources:
        return _process_locked(inbound_event_id, handler, resources, force=force)


def _process_locked(inbound_event_id: int, handler, resources, *, force: bool) -> InboundEvent:
    with transaction.atomic():
        inbound = InboundEvent.objects.select_for_update().get(pk=inbound_event_id)
        if inbound.state != InboundEventState.RECEIVED and not force:
            return inbound
        inbound.attempts += 1
        was_processed = inbound.state == InboundEventState.PROCESSED
        if handler is None:
            _finish(inbound, InboundEventState.IGNORED, "unknown event: stored, not processed")
            return inbound
        try:
            with transaction.atomic():
                outcome = handler.apply(Envelope.from_inbound(inbound), resources)
        except CommunityMismatch as exc:
            logger.warning("webhook %s (%s) refused: %s", inbound.event_id, inbound.event, exc)
            _finish(
                inbound, InboundEventState.REFUSED, "refused: the envelope's community does not match", error=str(exc)
            )
        except TargetMissing as exc:
            _target_missing(inbound, exc, force=force)
        except Exception as exc:
            logger.exception("webhook %s (%s) failed", inbound.event_id, inbound.event)
            _finish(inbound, InboundEventState.FAILED, "failed", error=f"{type(exc).__name__}: {exc}")
        else:
            # Run again, an event already applied changes nothing more: it stays processed.
            applied = outcome.applied or was_processed
            _finish(inbound, InboundEventState.PROCESSED if applied else InboundEventState.IGNORED, outcome.note)
    return inbound


def _target_missing(inbound: InboundEvent, exc: TargetMissing, *, force: bool) -> None:
    if force or inbound.attempts >= MAX_ATTEMPTS:
        _finish(inbound, InboundEventState.FAILED, "target not found", error=str(exc))
        return
    logger.info("webhook %s waits for its target (try %s): %s", inbound.event_id, inbound.attempts, exc)
    inbound.result, inbound.error = "waiting for its permit or contractor", str(exc)
    inbound.save(update_fields=["attempts", "result", "error"])


def _finish(inbound: InboundEvent, state: str, result: str, *, error: str = "") -> None:
    inbound.state = state
    inbound.result = result[:300]
    inbound.error = error[:ERROR_MAX_CHARS]
    inbound.processed_at = timezone.now()
    inbound.save(update_fields=["state", "result", "error", "processed_at", "attempts"])
