"""The reconciliation job: every compared permit against Buzz-In, every parked vehicle against OPS-COM.

Each kind of target is covered in passes (``cursor``): a run continues after the last target the
previous run reached, in id order, and past the highest id completes the pass and wraps around,
so successive runs cover the whole estate however large it is. The kinds take turns, a batch
(``RECONCILE_BATCH_SIZE``, default 200) each, within the rate limit, until the run's deadline or
``limit``; each target's drifts are written as soon as it is checked. A target with an open
delivery in its sequence is skipped (what it will become is on its way; a failed delivery is the
admin's to retry). A partner error leaves that target's drifts as they were. A completed pass
also resolves the drifts of targets that left the compared set (a permit archived long ago, a
vehicle removed).
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from portal.integrations.delivery.models import OPEN_DELIVERY_STATES, OutboundDelivery
from portal.integrations.delivery.planning import sequence_key
from portal.integrations.http import PartnerError

from . import buzzin, opscom
from .compare import Finding
from .cursor import Lap, lap_advance, lap_open, pass_complete
from .kinds import PERMIT_KINDS, VEHICLE_KINDS
from .rate import RateLimiter, configured_rate
from .store import drifts_record, drifts_resolve_outside

logger = logging.getLogger(__name__)


@dataclass
class ReconcileResult:
    permits_checked: int = 0
    vehicles_checked: int = 0
    skipped_in_flux: int = 0
    errors: int = 0
    opened: int = 0
    resolved: int = 0
    found: Counter = field(default_factory=Counter)
    complete: bool = True  # the run went over every due target (else the next run goes on)
    passes_completed: list[str] = field(default_factory=list)  # the kinds whose pass this run completed

    def as_dict(self) -> dict:
        return {**{k: v for k, v in vars(self).items() if k != "found"}, "found": dict(self.found)}


@dataclass
class _Run:
    now: datetime.datetime
    deadline: float | None
    limit: int | None
    progress: Callable[[int, int], None] | None
    total: int
    result: ReconcileResult = field(default_factory=ReconcileResult)
    done: int = 0

    def out_of_time(self) -> bool:
        """Past the deadline, or ``limit`` targets gone through."""
        if self.limit is not None and self.done >= self.limit:
            return True
        return self.deadline is not None and time.monotonic() > self.deadline

    def step(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


@dataclass(frozen=True)
class _Kind:
    target_type: str
    scope: tuple[str, ...]
    candidates: Callable[[datetime.datetime], QuerySet]
    check_batch: Callable[[_Run, list, RateLimiter], tuple[int, int]]  # -> (gone through, compared)


def reconcile(
    *,
    now: datetime.datetime | None = None,
    deadline: float | None = None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReconcileResult:
    """Compare, record and resolve drifts, from where the last run stopped.

    ``deadline`` is a ``time.monotonic()`` moment to stop at; ``limit`` the most targets to go through.
    """
    now = now or timezone.now()
    laps = [(kind, lap_open(kind.target_type, _ids(kind.candidates(now)), now)) for kind in KINDS]
    due = sum(len(lap.ids) for _, lap in laps)
    run = _Run(now=now, deadline=deadline, limit=limit, progress=progress, total=min(due, limit or due))
    limiters = {kind.target_type: RateLimiter(configured_rate()) for kind in KINDS}
    for kind, lap in laps:
        _settle(run, kind, lap)  # nothing after the position: the pass is complete already
    while not run.out_of_time() and any(lap.remaining for _, lap in laps):
        for kind, lap in laps:  # the kinds take turns, a batch each
            if lap.remaining and not run.out_of_time():
                _work_on(run, kind, lap, limiters[kind.target_type])
                _settle(run, kind, lap)
    run.result.complete = not any(lap.remaining for _, lap in laps)
    return run.result


def _ids(candidates: QuerySet) -> list[int]:
    return list(candidates.order_by("pk").values_list("pk", flat=True))


def _work_on(run: _Run, kind: _Kind, lap: Lap, limiter: RateLimiter) -> None:
    ids = lap.next_batch(settings.RECONCILE_BATCH_SIZE)
    batch = list(kind.candidates(run.now).filter(pk__in=ids).order_by("pk"))
    gone_through, compared = kind.check_batch(run, batch, limiter)
    if gone_through == len(batch):
        lap_advance(lap, position=ids[-1], compared=compared)  # targets gone since the listing included
    elif gone_through:
        lap_advance(lap, position=batch[gone_through - 1].pk, compared=compared)


def _settle(run: _Run, kind: _Kind, lap: Lap) -> None:
    if not lap.completes_pass:
        return
    compared_ids = {str(pk) for pk in lap.ids}
    run.result.resolved += drifts_resolve_outside(
        target_type=kind.target_type, scope=kind.scope, compared_ids=compared_ids
    )
    pass_complete(lap, run.now)
    run.result.passes_completed.append(kind.target_type)


def _reconcile_permits(run: _Run, batch: list, limiter: RateLimiter) -> tuple[int, int]:
    def check(permit) -> list[Finding]:
        limiter.wait()
        return buzzin.check_permit(permit, run.now)

    return _go_through(
        run,
        batch,
        PERMIT_KINDS,
        check,
        community_of=lambda permit: permit.community_id,
        counter="permits_checked",
    )


def _reconcile_vehicles(run: _Run, batch: list, limiter: RateLimiter) -> tuple[int, int]:
    pushed = opscom.pushed_vehicle_ids([vehicle.pk for vehicle in batch])
    return _go_through(
        run,
        batch,
        VEHICLE_KINDS,
        lambda vehicle: _vehicle_findings(vehicle, vehicle.pk in pushed, limiter),
        community_of=lambda vehicle: vehicle.permit.community_id,
        counter="vehicles_checked",
    )


def _go_through(
    run: _Run,
    batch: list,
    scope,
    check: Callable[[Any], list[Finding]],
    *,
    community_of: Callable[[Any], int],
    counter: str,
) -> tuple[int, int]:
    """Check each target of the batch (those in flux skipped) until the run's time is up: (gone through, compared)."""
    busy = _in_flux(_sequence_key(target) for target in batch)
    gone_through = compared = 0
    for target in batch:
        if run.out_of_time():
            break
        if _sequence_key(target) in busy:
            run.result.skipped_in_flux += 1
        else:
            compared += _check(run, target, community_of(target), scope, partial(check, target))
            setattr(run.result, counter, getattr(run.result, counter) + 1)
        gone_through += 1
        run.step()
    return gone_through, compared


def _sequence_key(target) -> str:
    """The delivery sequence a target's changes travel in: Buzz-In's for a permit, OPS-COM's for a vehicle."""
    subscriber = "buzzin" if target._meta.model_name == "permit" else "opscom"
    return sequence_key(subscriber, f"{target._meta.model_name}:{target.pk}")


def _vehicle_findings(vehicle, pushed: bool, limiter: RateLimiter) -> list[Finding]:
    if not opscom.needs_probe(vehicle):
        return opscom.check_without_reference(vehicle, pushed=pushed)
    limiter.wait()
    return opscom.probe_vehicle(vehicle)


def _check(run: _Run, target, community_id: int, scope, check: Callable[[], list[Finding]]) -> bool:
    """Compare one target and record its drifts; ``False`` when the partner could not answer."""
    try:
        findings = check()
    except PartnerError as error:
        run.result.errors += 1
        logger.warning("reconciliation of %s %s failed: %s", target._meta.model_name, target.pk, error.message)
        return False
    opened, resolved = drifts_record(target=target, community_id=community_id, scope=scope, findings=findings)
    run.result.opened += opened
    run.result.resolved += resolved
    run.result.found.update(finding.kind for finding in findings)
    return True


KINDS = (
    _Kind(
        "permit",
        PERMIT_KINDS,
        lambda now: buzzin.permit_candidates(now).select_related("community"),
        _reconcile_permits,
    ),
    _Kind("vehicle", VEHICLE_KINDS, lambda now: opscom.vehicle_candidates(), _reconcile_vehicles),
)


def _in_flux(sequence_keys: Iterable[str]) -> set[str]:
    keys = list(sequence_keys)
    rows = OutboundDelivery.objects.filter(sequence_key__in=keys, state__in=OPEN_DELIVERY_STATES)
    return set(rows.values_list("sequence_key", flat=True))
