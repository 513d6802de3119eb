"""Reconciliation's passes over the estate: each run continues where the last one stopped.

A pass compares every target of a kind once, in id order. A run takes the targets after the
cursor's position, then (once the pass is complete) wraps around to the lowest id, up to where
it started: no target twice in one run, every target once per pass, however many runs a pass
takes. Targets that join the compared set behind the cursor are compared in the next pass.

The cursor is saved after every batch, so a run killed by its time limit loses at most a batch.
Two runs at once may compare some targets twice and count them twice: harmless, the drifts of
each target are written under its row lock.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from dataclasses import dataclass

from django.db.models import F

from portal.integrations.models import ReconciliationCursor


@dataclass
class Lap:
    """One run's share of a pass (and of the next, after the wrap) for one kind of target."""

    cursor: ReconciliationCursor
    ids: list[int]  # the order this run goes in: after the position, then from the lowest id
    before_wrap: int  # how many of ``ids`` come before the highest id is passed
    done: int = 0
    wrapped: bool = False

    @property
    def remaining(self) -> int:
        return len(self.ids) - self.done

    def next_batch(self, size: int) -> list[int]:
        """The next ids, never across the wrap (a pass completes between two batches)."""
        end = self.before_wrap if self.done < self.before_wrap else len(self.ids)
        return self.ids[self.done : min(end, self.done + size)]

    @property
    def completes_pass(self) -> bool:
        """The run has just gone past the highest id (or there was nothing after the position)."""
        return self.done == self.before_wrap and not self.wrapped


def lap_open(target_type: str, ids: list[int], now: datetime.datetime) -> Lap:
    """The cursor of ``target_type`` (created at its first run) and this run's order over ``ids`` (sorted)."""
    cursor, _ = ReconciliationCursor.objects.get_or_create(target_type=target_type, defaults={"pass_started_at": now})
    split = bisect_right(ids, cursor.position)
    cursor.due, cursor.pass_runs = len(ids), cursor.pass_runs + 1
    cursor.save(update_fields=["due", "pass_runs", "updated_at"])
    return Lap(cursor=cursor, ids=ids[split:] + ids[:split], before_wrap=len(ids) - split)


def lap_advance(lap: Lap, *, position: int, compared: int) -> None:
    """Record that the run went past every id of the lap up to ``position``, ``compared`` of them compared."""
    lap.done = lap.ids.index(position, lap.done) + 1
    cursor = lap.cursor
    ReconciliationCursor.objects.filter(pk=cursor.pk).update(
        position=position, pass_compared=F("pass_compared") + compared
    )
    cursor.refresh_from_db(fields=["position", "pass_compared"])


def pass_complete(lap: Lap, now: datetime.datetime) -> None:
    """The highest id is behind: keep the pass's figures as the last complete pass, start the next at the lowest id."""
    cursor = lap.cursor
    cursor.last_pass_started_at, cursor.last_pass_completed_at = cursor.pass_started_at, now
    cursor.last_pass_compared, cursor.last_pass_due = cursor.pass_compared, cursor.due
    cursor.last_pass_runs = cursor.pass_runs
    cursor.position, cursor.pass_started_at, cursor.pass_compared = 0, now, 0
    cursor.pass_runs = 1 if lap.remaining else 0  # this run goes on with the new pass only if targets are left
    cursor.save()
    lap.wrapped = True


TARGET_LABELS = {"permit": "Permits at Buzz-In", "vehicle": "Parked vehicles at OPS-COM"}


@dataclass(frozen=True)
class Coverage:
    """How far the pass under way has got, and how the last complete pass went, for one kind of target."""

    label: str
    compared: int
    due: int
    pass_started_at: datetime.datetime | None
    runs: int
    last_completed_at: datetime.datetime | None
    last_started_at: datetime.datetime | None
    last_compared: int | None
    last_due: int | None
    last_runs: int | None

    @property
    def percent(self) -> int:
        return _percent(self.compared, self.due)

    @property
    def last_percent(self) -> int | None:
        return None if self.last_due is None else _percent(self.last_compared or 0, self.last_due)


def reconciliation_coverage() -> list[Coverage]:
    """One row per kind of target reconciliation has run over (one query)."""
    order = list(TARGET_LABELS)
    cursors = sorted(
        ReconciliationCursor.objects.all(),
        key=lambda cursor: order.index(cursor.target_type) if cursor.target_type in order else len(order),
    )
    return [
        Coverage(
            label=TARGET_LABELS.get(cursor.target_type, cursor.target_type),
            compared=cursor.pass_compared,
            due=cursor.due,
            pass_started_at=cursor.pass_started_at,
            runs=cursor.pass_runs,
            last_completed_at=cursor.last_pass_completed_at,
            last_started_at=cursor.last_pass_started_at,
            last_compared=cursor.last_pass_compared,
            last_due=cursor.last_pass_due,
            last_runs=cursor.last_pass_runs,
        )
        for cursor in cursors
    ]


def _percent(compared: int, due: int) -> int:
    return 100 if due == 0 else min(100, compared * 100 // due)
