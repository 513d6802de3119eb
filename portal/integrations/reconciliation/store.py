"""Drifts kept in step with the last check: one open drift per target and kind, updated, never duplicated.

The target's row is locked while its drifts are written, so two reconciliations at once (or a
repair) settle the same target one after the other.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from portal.integrations.models import Drift

from .compare import Finding


@transaction.atomic
def drifts_record(*, target, community_id: int, scope: Iterable[str], findings: list[Finding]) -> tuple[int, int]:
    """Open (or refresh) a drift per finding; resolve the kinds in ``scope`` not found. Returns (opened, resolved)."""
    model = type(target)
    list(model.objects.select_for_update().filter(pk=target.pk).values_list("pk", flat=True))
    now = timezone.now()
    existing = defaultdict(list)
    for drift in open_drifts(model._meta.model_name, [str(target.pk)], scope):
        existing[drift.kind].append(drift)
    opened, leftovers = 0, []
    for finding in findings:
        detail = {**finding.detail, "last_seen_at": now.isoformat()}
        current = existing.pop(finding.kind, [])
        if current:
            _refresh(current[0], detail)
            leftovers += current[1:]  # duplicates from before: one open drift per kind is enough
        else:
            _open(finding.kind, target, community_id, detail)
            opened += 1
    leftovers += [drift for drifts in existing.values() for drift in drifts]
    _resolve(leftovers, now)
    return opened, len(leftovers)


def drifts_resolve_outside(*, target_type: str, scope: Iterable[str], compared_ids: set[str]) -> int:
    """After a complete run: resolve open drifts of targets that are no longer compared at all."""
    stale = [drift for drift in open_drifts(target_type, None, scope) if drift.target_id not in compared_ids]
    _resolve(stale, timezone.now())
    return len(stale)


def open_drifts(target_type: str, target_ids: list[str] | None, scope: Iterable[str]):
    drifts = Drift.objects.filter(target_type=target_type, kind__in=list(scope), resolved_at__isnull=True)
    if target_ids is not None:
        drifts = drifts.filter(target_id__in=target_ids)
    return drifts.order_by("pk")


def _open(kind: str, target, community_id: int, detail: dict) -> Drift:
    return Drift.objects.create(
        kind=kind,
        community_id=community_id,
        target_type=target._meta.model_name,
        target_id=str(target.pk),
        detail=detail,
    )


def _refresh(drift: Drift, detail: dict) -> None:
    drift.detail = detail
    drift.save(update_fields=["detail"])


def _resolve(drifts: list[Drift], now: datetime.datetime) -> None:
    if drifts:
        Drift.objects.filter(pk__in=[drift.pk for drift in drifts], resolved_at__isnull=True).update(resolved_at=now)
