"""A gate scan accepted after its permit ended or was revoked: Buzz-In let in a pass it should have refused.

Raised as a drift as the scan arrives (``GateScan.after_end`` is decided by the domain service): one open
drift per permit, refreshed with each further such scan. Its repair sends again what the portal holds: the
revocation of a revoked (or archived) permit's pass, or an ended permit's validity.
"""

from __future__ import annotations

from django.db import transaction

from permits.models import GateScan
from permits.rules import STOPPED_STATUSES, permit_end_moment
from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.models import Drift

from .kinds import DriftKind


@transaction.atomic
def drift_scan_after_end_record(*, scan: GateScan) -> Drift:
    """Open (or refresh) the permit's drift for ``scan``, a scan accepted after the permit's end."""
    permit = scan.permit
    drift = (
        Drift.objects.select_for_update()
        .filter(kind=DriftKind.SCAN_AFTER_END, target_type="permit", target_id=str(permit.pk), resolved_at=None)
        .first()
    )
    repair = buzzin_op.PASS_REVOKE if permit.status in STOPPED_STATUSES else buzzin_op.PERMIT_UPDATE_VALIDITY
    detail = {
        "reason": "Pass scanned after the permit ended",
        "repair": str(repair),
        "ended_at": permit_end_moment(permit).isoformat(),
        "last_scanned_at": scan.scanned_at.isoformat(),
        "gate": scan.gate,
        "permit_status": permit.status,
    }
    if drift is None:
        return Drift.objects.create(
            kind=DriftKind.SCAN_AFTER_END,
            community_id=permit.community_id,
            target_type="permit",
            target_id=str(permit.pk),
            detail={**detail, "scans": 1},
        )
    drift.detail = {**detail, "scans": int((drift.detail or {}).get("scans", 1)) + 1}
    drift.save(update_fields=["detail"])
    return drift
