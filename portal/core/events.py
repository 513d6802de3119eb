"""Domain events: what happened, recorded in the transaction of the change, and who reacts to it.

A service records every change it makes with ``event_record``: one ``AuditEvent`` row (who, when,
what, from which status to which, why). That row is both the audit trail and the domain event;
there is no second record to look for. The event type is its ``action``
(``permits.permit.approved``, ``permits.noc.uploaded``, ``contractors.membership.revoked`` ...).

Subscribers (the partners, notifications, timers: all above the domain) are listed in
``settings.EVENT_SUBSCRIBERS``. When the outermost ``@domain_service`` returns, still inside its
transaction, each subscriber receives the events that service recorded and writes its own
deliveries there, so a change and what must follow from it commit together or not at all. The
deliveries themselves go after commit, each subscriber's on its own (``portal.integrations.delivery``).
The domain never names who listens.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .actors import Actor
from .bulk import objects_insert
from .models import AuditEvent, Community


class Subscriber(Protocol):
    """Something that reacts to domain events; ``receive`` runs inside the transaction of the change."""

    name: str

    def receive(self, events: Sequence[AuditEvent]) -> None: ...


_local = threading.local()
F = TypeVar("F", bound=Callable)


def domain_service(func: F) -> F:
    """One transaction; the events the service records reach the subscribers when it returns."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with transaction.atomic(), events_collected():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@contextmanager
def events_collected() -> Iterator[None]:
    """Gather the events recorded inside; the outermost block hands them to the subscribers.

    A block that raises drops its own events (its savepoint is rolled back with them).
    """
    stack = _stack()
    stack.append([])
    try:
        yield
    except BaseException:
        stack.pop()
        raise
    events = stack.pop()
    if stack:
        stack[-1].extend(events)
    elif events:
        events_publish(events)


def event_record(
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
    """Record one change: its audit row, which is also the domain event the subscribers receive."""
    event = event_build(
        actor=actor,
        target=target,
        action=action,
        community=community,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data,
    )
    event.save(force_insert=True)
    _collect([event])
    return event


def event_build(
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
    """The audit row of one change, not yet written: several of one service go in one insert
    (``events_record_bulk``)."""
    return AuditEvent(
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


def events_record_bulk(events: list[AuditEvent]) -> list[AuditEvent]:
    """Many changes in one insert (the expiry sweep, a permit created with its NOC); the same subscribers follow."""
    created = objects_insert(events)
    _collect(created)
    return created


def events_publish(events: Sequence[AuditEvent]) -> None:
    for subscriber in subscribers():
        subscriber.receive(events)


def subscribers() -> list[Subscriber]:
    return _load(tuple(settings.EVENT_SUBSCRIBERS))


def subscriber_named(name: str) -> Subscriber:
    for subscriber in subscribers():
        if subscriber.name == name:
            return subscriber
    raise LookupError(f"no subscriber named {name!r} in EVENT_SUBSCRIBERS")


@functools.lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> list[Subscriber]:
    return [import_string(path) for path in paths]


def _stack() -> list[list[AuditEvent]]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def _collect(events: list[AuditEvent]) -> None:
    stack = _stack()
    if stack:
        stack[-1].extend(events)
    elif events:
        events_publish(events)
