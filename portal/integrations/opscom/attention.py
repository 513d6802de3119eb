"""An OPS-COM refusal a person can fix becomes "Needs attention" on the vehicle's permit.

| refusal (``opscom.errors``)                    | who must act                                        |
|------------------------------------------------|-----------------------------------------------------|
| validation about the plate (9006, 9021, 9030…)  | the company, on the permit page (correct or remove) |
| any other validation (zone, times)             | the property manager                                |

Configuration faults and our own bugs are the operators' (failed deliveries, partner faults), not here.
Correcting the plate sends the vehicle again (``permits.vehicle.plate_changed``); removing it ends its
parking request. The flag clears once no vehicle of the permit is refused any more, and only a flag this
module raised: a gate-system refusal on the same permit stays until the gate system accepts.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_noop

from contractors.choices import AttentionParty
from permits.choices import ParkingState, PermitStatus
from permits.models import Permit, Vehicle
from permits.services import permit_attention_clear, permit_attention_raise
from portal.core.actors import Actor
from portal.core.models import AuditEvent

from ..delivery.models import OutboundDelivery
from ..delivery.selectors import failed_row_ids
from ..delivery.services import delivery_abandon, delivery_retry
from . import operations as op
from .errors import VALIDATION
from .records import OPSCOM

FIXED = Actor.system("sent again after a fix")
PREFIX = "The parking system (OPS-COM) refused"
PARKING_NEEDED = (PermitStatus.APPROVED, PermitStatus.ACTIVE)
SENDING = (op.PARKING_PUSH, op.PARKING_UPDATE)


def plain(message: str) -> str:
    return (message or "").removeprefix("OPS-COM: ").strip()


def note_failure(delivery: OutboundDelivery, vehicle: Vehicle | None) -> None:
    if vehicle is None or delivery.error_kind != VALIDATION or delivery.operation not in SENDING:
        return
    if vehicle.removed_at is not None or vehicle.permit.status not in PARKING_NEEDED:
        return
    detail = plain(delivery.last_error)
    reason = gettext_noop("The parking system (OPS-COM) refused the parking permit of vehicle %(plate)s: %(detail)s")
    by = AttentionParty.PERMIT if "plate" in detail.lower() else AttentionParty.MANAGER
    params = {"plate": vehicle.plate or f"#{vehicle.position}", "detail": detail}  # a blank plate: its place
    permit_attention_raise(actor=OPSCOM, permit=vehicle.permit_id, reason=reason, by=by, params=params)


def note_success(delivery: OutboundDelivery, vehicle: Vehicle | None) -> None:
    if vehicle is None:
        return
    permit = Permit.objects.only("attention_since", "attention_note").get(pk=vehicle.permit_id)
    if permit.attention_since is None or not permit.attention_note.startswith(PREFIX):
        return
    still_refused = Vehicle.objects.filter(
        permit_id=permit.pk, removed_at__isnull=True, parking_state=ParkingState.FAILED
    ).exists()
    if not still_refused:
        permit_attention_clear(actor=OPSCOM, permit=permit.pk, note="Accepted by the parking system.")


def resend_after_fix(events: Sequence[AuditEvent]) -> None:
    """A refused vehicle's plate was corrected: its refused rows go again (first in its sequence, with the
    new plate). A refused vehicle was removed: they are given up, so its removal goes through."""
    corrected = _vehicle_ids(events, "permits.vehicle.plate_changed")
    removed = _vehicle_ids(events, "permits.vehicle.removed")
    if corrected:
        delivery_retry(ids=failed_row_ids("opscom", "vehicle", corrected), actor=FIXED)
    if removed:
        delivery_abandon(
            ids=failed_row_ids("opscom", "vehicle", removed),
            actor=FIXED,
            reason="The vehicle was removed from the permit.",
        )


def _vehicle_ids(events: Sequence[AuditEvent], action: str) -> list[str]:
    return [str(e.data["vehicle"]) for e in events if e.action == action and e.data.get("vehicle")]
