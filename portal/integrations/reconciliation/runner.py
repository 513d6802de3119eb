"""The reconciliation job: every compared permit against Buzz-In, every parked vehicle against OPS-COM.

Targets go in id order, in batches (``RECONCILE_BATCH_SIZE``, default 200) and within the rate
limit; each one's drifts are written as soon as it is checked. A target with an open delivery in
its sequence is skipped (what it will become is on its way; a failed delivery is the admin's to
retry). A partner error leaves that target's drifts as they were. A run cut short by its deadline
resolves nothing it did not check; a complete run also resolves the drifts of targets that left
the compared set (a permit archived long ago, a vehicle removed).
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from portal.integrations.delivery.models import OPEN_DELIVERY_STATES, OutboundDelivery
from portal.integrations.delivery.planning import sequence_key
from portal.integrations.http import PartnerError

from . import buzzin, opscom
from .compare import Finding
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
    complete: bool = True

    def as_dict(self) -> dict:
        return {**{k: v for k, v in vars(self).items() if k != "found"}, "found": dict(self.found)}


@dataclass
class _Run:
    now: datetime.datetime
    deadline: float | None
    progress: Callable[[int, int], None] | None
    total: int
    result: ReconcileResult = field(default_factory=ReconcileResult)
    done: int = 0

    def out_of_time(self) -> bool:
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.result.complete = False
        return not self.result.complete

    def step(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def reconcile(
    *,
    now: datetime.datetime | None = None,
    deadline: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReconcileResult:
    """Compare, record and resolve drifts. ``deadline`` is a ``time.monotonic()`` moment to stop at."""
    now = now or timezone.now()
    permits, vehicles = buzzin.permit_candidates(now), opscom.vehicle_candidates()
    permit_ids, vehicle_ids = list(permits.values_list("pk", flat=True)), list(vehicles.values_list("pk", flat=True))
    run = _Run(now=now, deadline=deadline, progress=progress, total=len(permit_ids) + len(vehicle_ids))
    _reconcile_permits(run, permits, permit_ids, RateLimiter(configured_rate()))
    _reconcile_vehicles(run, vehicles, vehicle_ids, RateLimiter(configured_rate()))
    if run.result.complete:
        run.result.resolved += drifts_resolve_outside(
            target_type="permit", scope=PERMIT_KINDS, compared_ids={str(pk) for pk in permit_ids}
        )
        run.result.resolved += drifts_resolve_outside(
            target_type="vehicle", scope=VEHICLE_KINDS, compared_ids={str(pk) for pk in vehicle_ids}
        )
    return run.result


def _reconcile_permits(run: _Run, permits: QuerySet, ids: list[int], limiter: RateLimiter) -> None:
    for batch in _batches(permits.select_related("community"), ids):
        busy = _in_flux(_permit_sequence(permit) for permit in batch)
        for permit in batch:
            if run.out_of_time():
                return
            if _permit_sequence(permit) in busy:
                run.result.skipped_in_flux += 1
            else:
                limiter.wait()
                _check(run, permit, permit.community_id, PERMIT_KINDS, partial(buzzin.check_permit, permit, run.now))
                run.result.permits_checked += 1
            run.step()


def _reconcile_vehicles(run: _Run, vehicles: QuerySet, ids: list[int], limiter: RateLimiter) -> None:
    for batch in _batches(vehicles, ids):
        busy = _in_flux(_vehicle_sequence(vehicle) for vehicle in batch)
        pushed = opscom.pushed_vehicle_ids([vehicle.pk for vehicle in batch])
        for vehicle in batch:
            if run.out_of_time():
                return
            if _vehicle_sequence(vehicle) in busy:
                run.result.skipped_in_flux += 1
            else:
                check = partial(_vehicle_findings, vehicle, vehicle.pk in pushed, limiter)
                _check(run, vehicle, vehicle.permit.community_id, VEHICLE_KINDS, check)
                run.result.vehicles_checked += 1
            run.step()


def _vehicle_findings(vehicle, pushed: bool, limiter: RateLimiter) -> list[Finding]:
    if not opscom.needs_probe(vehicle):
        return opscom.check_without_reference(vehicle, pushed=pushed)
    limiter.wait()
    return opscom.probe_vehicle(vehicle)


def _check(run: _Run, target, community_id: int, scope, check: Callable[[], list[Finding]]) -> None:
    try:
        findings = check()
    except PartnerError as error:
        run.result.errors += 1
        logger.warning("reconciliation of %s %s failed: %s", target._meta.model_name, target.pk, error.message)
        return
    opened, resolved = drifts_record(target=target, community_id=community_id, scope=scope, findings=findings)
    run.result.opened += opened
    run.result.resolved += resolved
    run.result.found.update(finding.kind for finding in findings)


def _batches(queryset: QuerySet, ids: list[int]) -> Iterator[list]:
    size = settings.RECONCILE_BATCH_SIZE
    for start in range(0, len(ids), size):
        yield list(queryset.filter(pk__in=ids[start : start + size]))


def _permit_sequence(permit) -> str:
    """The sequence of the permit's Buzz-In deliveries: what Buzz-In will hold is still on its way."""
    return sequence_key("buzzin", f"permit:{permit.pk}")


def _vehicle_sequence(vehicle) -> str:
    return sequence_key("opscom", f"vehicle:{vehicle.pk}")


def _in_flux(sequence_keys: Iterable[str]) -> set[str]:
    keys = list(sequence_keys)
    rows = OutboundDelivery.objects.filter(sequence_key__in=keys, state__in=OPEN_DELIVERY_STATES)
    return set(rows.values_list("sequence_key", flat=True))
