"""A throw-away event subscriber for tests: it keeps every batch of domain events it receives.

Listed in ``settings.EVENT_SUBSCRIBERS`` by a test, it shows that a new listener needs no change
in the domain: the services already hand it their events.
"""

from __future__ import annotations

from collections.abc import Sequence

from portal.core.models import AuditEvent


class RecordingSubscriber:
    name = "recording"

    def __init__(self) -> None:
        self.batches: list[list[AuditEvent]] = []

    def receive(self, events: Sequence[AuditEvent]) -> None:
        self.batches.append(list(events))

    def clear(self) -> None:
        self.batches.clear()


subscriber = RecordingSubscriber()
