"""The two effects every domain service shares: the audit event and the outbox row."""

from __future__ import annotations

import logging

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .actors import Actor
from .choices import Operation, Partner
from .models import AuditEvent, Community, OutboundDelivery

logger = logging.getLogger(__name__)

DELIVERY_TASK_NAME = "integrations.delivery_send"


def audit_record(
    *,
    actor: Actor,
    target,
    action: str,
    community: Community | None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=actor.user,
        actor_label=actor.label[:200],
        community=community,
        target_type=target._meta.model_name,
        target_id=str(target.pk),
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
    )


def outbox_enqueue(
    *,
    partner: Partner,
    operation: Operation,
    target,
    community: Community,
    sequence_key: str,
    params: dict | None = None,
) -> OutboundDelivery:
    """Record what a partner must learn; it is handed to a worker once the transaction commits."""
    delivery = OutboundDelivery.objects.create(
        partner=partner,
        operation=operation,
        community=community,
        target_type=target._meta.model_name,
        target_id=str(target.pk),
        sequence_key=sequence_key,
        params=params or {},
        next_attempt_at=timezone.now(),
    )
    if settings.OUTBOX_DISPATCH:
        transaction.on_commit(lambda: delivery_dispatch(delivery.pk))
    return delivery


def delivery_dispatch(delivery_id: int) -> bool:
    """Hand a delivery to the broker. A broker outage is not an error: the relay sends it later."""
    try:
        current_app.send_task(DELIVERY_TASK_NAME, args=[delivery_id])
    except Exception as exc:
        logger.warning("broker unavailable, delivery %s left for the relay: %s", delivery_id, exc)
        return False
    return True
