"""The shape every outbox subscriber shares: plan rows from domain events, then send them one at a time.

A partner (or e-mail, or a third system) subclasses ``DeliverySubscriber`` in its own package and is
listed in ``settings.EVENT_SUBSCRIBERS``. The sender (``sender``) finds it again by ``name`` for each
row: ``load_target`` → ``send`` (outside any transaction) → the ``Outcome`` is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence

from portal.core.models import AuditEvent
from portal.integrations.http import CallRecord, PartnerError

from .models import OutboundDelivery
from .outcome import Outcome, PayloadError, failed, from_transient
from .planning import Planned, deliveries_plan


class DeliverySubscriber:
    name: str = ""
    label: str = ""
    operations: dict[str, str] = {}  # operation → label, for people

    # --- in the transaction of the change ---

    def receive(self, events: Sequence[AuditEvent]) -> None:
        deliveries_plan(self.name, self.plan(events))

    def plan(self, events: Sequence[AuditEvent]) -> list[Planned]:
        raise NotImplementedError

    # --- in a worker, one row at a time ---

    def load_target(self, delivery: OutboundDelivery):
        raise NotImplementedError

    def send(self, delivery: OutboundDelivery, target) -> Outcome:
        raise PayloadError(f"{self.label} has no operation {delivery.operation}.")

    def error_outcome(self, error: PartnerError, calls: list[CallRecord]) -> Outcome:
        if error.retryable:
            return from_transient(error, calls)
        return failed(error.message, error.kind, calls)

    def on_failed(self, delivery: OutboundDelivery, target, message: str) -> None:
        """Note on the domain side that a row failed for good (the failed row itself is what admins retry)."""

    def on_succeeded(self, delivery: OutboundDelivery, target) -> None:
        """Note on the domain side that a row went through (e.g. clear a "needs attention" it had raised)."""

    def secrets(self, delivery: OutboundDelivery) -> tuple[str, ...]:
        """Credentials a message about this row could quote; redacted from everything stored."""
        return ()
