"""What the permit services share: locking, moves through the table and their events."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.actors import Actor
from portal.core.events import event_record
from portal.core.models import Property

from ..choices import ParkingState
from ..models import Permit
from ..transitions import EDITABLE_STATUSES, Move, status_phrase, target_status
from .deadlines import decision_follow_move

MOVE_EVENTS = {
    Move.SUBMIT: "submitted",
    Move.APPROVE: "approved",
    Move.REJECT: "rejected",
    Move.REQUEST_CHANGES: "changes_requested",
    Move.CANCEL: "cancelled",
    Move.ACTIVATE: "activated",
    Move.EXTEND: "extended",
    Move.REVOKE: "revoked",
    Move.REISSUE: "reissue_requested",
    Move.EXPIRE: "expired",
    Move.ARCHIVE: "archived",
}
LIVE_PARKING_STATES = (ParkingState.REQUESTED, ParkingState.ACTIVE, ParkingState.FAILED)


def lock_permit(permit: Permit | int) -> Permit:
    """The permit row locked for this transaction, read with its community, contractor and property.

    Only the permit row is locked (``of=("self",)``): the joined rows are read, never changed here, and locking
    them made every change in a community wait on its one community row. ``no_key``: the services change
    columns no foreign key points at, so rows that merely reference the permit (a new NOC version, a worker,
    an audit event of another transaction) need not wait for this one.
    """
    pk = permit.pk if isinstance(permit, Permit) else permit
    return (
        Permit.objects.select_for_update(of=("self",), no_key=True)
        .select_related("community", "contractor", "property")
        .get(pk=pk)
    )


def lock_building(permit: Permit) -> None:
    """Serialise the moves that judge a permit against the other permits of its building (exclusive bookings,
    capacity: submit, approve, extend): two approvals in one building must not both count the other as absent.
    ``no_key``: a new permit of the building (which only references the row) does not wait."""
    building = Property.objects.filter(pk=permit.property_id).order_by()  # no join for the default ordering
    list(building.select_for_update(of=("self",), no_key=True).values_list("pk"))


def apply_move(permit: Permit, move: Move, *, actor: Actor, reason: str = "", data: dict | None = None) -> str:
    """Move ``permit`` (already locked) along the table and write its audit event; returns the old status."""
    from_status, now = permit.status, timezone.now()
    permit.status = target_status(from_status, move)
    if permit.status != from_status:
        permit.status_changed_at = now
    data = {**(data or {}), **decision_follow_move(permit, move, now=now)}
    event_record(
        actor=actor,
        target=permit,
        action=f"permits.permit.{MOVE_EVENTS[move]}",
        community=permit.community,
        from_status=from_status,
        to_status=permit.status,
        reason=reason,
        data=data,
    )
    return from_status


def audit_permit(permit: Permit, action: str, *, actor: Actor, reason: str = "", data: dict | None = None) -> None:
    event_record(
        actor=actor,
        target=permit,
        action=action,
        community=permit.community,
        from_status=permit.status,
        to_status=permit.status,
        reason=reason,
        data=data,
    )


def require_editable(permit: Permit) -> None:
    if permit.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("%(permit)s can no longer be edited.") % {"permit": status_phrase(permit.status)}, code="not_editable"
        )


def require_reason(reason: str, what: str) -> str:
    """``what`` is the whole request, e.g. ``_("Give a reason for the rejection.")``."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(str(what), code="reason_required")
    return reason
