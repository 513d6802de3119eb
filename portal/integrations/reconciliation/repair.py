"""One-click repair of a drift: the delivery that brings the partner back in line, through the outbox.

| drift | repair |
|---|---|
| pass live after revocation | Buzz-In ``pass.revoke`` |
| dates differ | Buzz-In ``permit.update_validity`` |
| missing at Buzz-In | Buzz-In ``permit.create`` then ``permit.submit`` (a 409 adopts the existing permit) |
| status differs | what the comparison named: ``permit.submit`` (a lost submit) or ``pass.reissue`` (a lost pass) |
| parking missing | OPS-COM ``parking.push`` |
| pass scanned after the end | ``pass.revoke`` (revoked or archived permit) or ``permit.update_validity`` (ended) |

A status drift where Buzz-In killed a pass the portal still holds live has no repair by push: the
service refuses it with a sentence saying what to do. The drift keeps the last delivery of its
repair (``repair_delivery``); it is resolved by the next reconciliation that finds it gone.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from permits.choices import PermitStatus
from permits.models import Permit, Vehicle
from portal.core.actors import Actor
from portal.core.events import event_record
from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.delivery.models import OPEN_DELIVERY_STATES, OutboundDelivery
from portal.integrations.delivery.planning import Planned, deliveries_plan
from portal.integrations.models import Drift
from portal.integrations.opscom import operations as opscom_op

from .compare import DEAD, LIVE
from .kinds import DriftKind, kind_label

FIXED_REPAIRS = {
    DriftKind.PASS_LIVE_AFTER_REVOCATION: [buzzin_op.PASS_REVOKE],
    DriftKind.DATES_DIFFER: [buzzin_op.PERMIT_UPDATE_VALIDITY],
    DriftKind.MISSING_AT_BUZZIN: [buzzin_op.PERMIT_CREATE, buzzin_op.PERMIT_SUBMIT],
    DriftKind.PARKING_MISSING: [opscom_op.PARKING_PUSH],
}
NO_REPAIR = (
    "Buzz-In no longer holds this pass as live and a push cannot bring it back: revoke the permit in the "
    "portal, or ask Buzz-In to restore it."
)


def repair_operations(drift: Drift) -> list[str]:
    """The operations that repair ``drift``, in order; empty when no push can."""
    if drift.kind in (DriftKind.STATUS_DIFFERS, DriftKind.SCAN_AFTER_END):
        repair = (drift.detail or {}).get("repair")
        return [repair] if repair else []
    return [str(operation) for operation in FIXED_REPAIRS.get(drift.kind, [])]


@transaction.atomic
def drift_repair(*, actor: Actor, drift: Drift) -> list[OutboundDelivery]:
    """Enqueue the repair of one open drift; refuses a resolved drift, one already being repaired, or no repair."""
    drift = (
        Drift.objects.select_for_update(of=("self",)).select_related("community", "repair_delivery").get(pk=drift.pk)
    )
    _check_repairable(drift)
    operations = repair_operations(drift)
    if not operations:
        raise ValidationError(NO_REPAIR, code="no_repair")
    target, permit = _target(drift)
    _check_target_state(drift, permit, target)
    deliveries = [_enqueue(operation, target, permit, drift) for operation in operations]
    drift.repair_delivery = deliveries[-1]
    drift.save(update_fields=["repair_delivery"])
    event_record(
        actor=actor,
        target=permit,
        action="integrations.drift.repair_requested",
        community=drift.community,
        reason=kind_label(drift.kind),
        data={"drift": drift.pk, "kind": drift.kind, "deliveries": [d.pk for d in deliveries]},
    )
    return deliveries


def _check_repairable(drift: Drift) -> None:
    if drift.resolved_at is not None:
        raise ValidationError(_("This drift is resolved already."), code="resolved")
    delivery = drift.repair_delivery
    if delivery is not None and delivery.state in OPEN_DELIVERY_STATES:
        raise ValidationError(
            f"A repair is already under way (delivery #{delivery.pk}, {delivery.get_state_display().lower()}).",
            code="repair_open",
        )


def _target(drift: Drift) -> tuple[Permit | Vehicle, Permit]:
    if drift.target_type == Vehicle._meta.model_name:
        vehicle = Vehicle.objects.select_related("permit").filter(pk=drift.target_id).first()
        if vehicle is None:
            raise ValidationError(_("The vehicle no longer exists."), code="target_missing")
        return vehicle, vehicle.permit
    permit = Permit.objects.filter(pk=drift.target_id).first()
    if permit is None:
        raise ValidationError(_("The permit no longer exists."), code="target_missing")
    return permit, permit


def _check_target_state(drift: Drift, permit: Permit, target) -> None:
    """The repair must still make sense: the permit may have moved since the drift was found."""
    if drift.kind == DriftKind.PASS_LIVE_AFTER_REVOCATION:
        expected = DEAD
    elif drift.kind == DriftKind.PARKING_MISSING:
        expected = (PermitStatus.ACTIVE,)
        if target.removed_at is not None:
            raise ValidationError(_("The vehicle was removed from the permit: nothing to push."), code="stale")
    else:
        expected = LIVE
    if permit.status not in expected:
        raise ValidationError(
            f"The permit is {permit.get_status_display().lower()} now: run reconciliation again.", code="stale"
        )


def _enqueue(operation: str, target, permit: Permit, drift: Drift) -> OutboundDelivery:
    subscriber = "opscom" if operation in opscom_op.LABELS else "buzzin"
    params = {"repair_of_drift": drift.pk}
    if operation == buzzin_op.PASS_REVOKE:
        params["reason"] = permit.revocation_reason or f"The permit is {permit.get_status_display().lower()}."
    kind = target._meta.model_name
    planned = Planned(
        operation=operation,
        target_type=kind,
        target_id=target.pk,
        community_id=drift.community_id,
        sequence=f"{kind}:{target.pk}",
        params=params,
    )
    return deliveries_plan(subscriber, [planned])[0]
