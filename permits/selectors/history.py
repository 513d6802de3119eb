"""A permit's audit events told in words: "Submitted by Omar (Al Noor Interiors LLC)", "Approved by Sara".

One query for the events and one for the people behind them, whatever the number of events.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from contractors.attention import attention_text
from portal.core.models import AuditEvent

from ..choices import ParkingState
from ..models import Permit

SAID = {
    "permits.permit.created": _("Drafted"),
    "permits.permit.updated": _("Details changed"),
    "permits.permit.submitted": _("Submitted"),
    "permits.permit.approved": _("Approved"),
    "permits.permit.rejected": _("Rejected"),
    "permits.permit.changes_requested": _("Changes requested"),
    "permits.permit.activated": _("Pass issued; the permit is active"),
    "permits.permit.extended": _("Validity changed"),
    "permits.permit.extension_requested": _("Extension asked for"),
    "permits.permit.revoked": _("Pass revoked"),
    "permits.permit.cancelled": _("Cancelled"),
    "permits.permit.expired": _("Expired"),
    "permits.permit.archived": _("Archived"),
    "permits.permit.reissue_requested": _("New pass asked for"),
    "permits.permit.compliance_flagged": _("Flagged: the company's documents lapsed"),
    "permits.permit.compliance_cleared": _("Compliance flag cleared"),
    "permits.pass.updated": _("Pass updated"),
    "permits.pass.reissued": _("Pass reissued"),
    "permits.noc.uploaded": _("NOC uploaded"),
    "permits.worker.added": _("Worker added"),
    "permits.worker.removed": _("Worker removed"),
    "permits.vehicle.added": _("Vehicle added"),
    "permits.vehicle.removed": _("Vehicle removed"),
    "permits.vehicle.plate_changed": _("Plate changed"),
    "permits.gate_scan.recorded": _("Gate scan"),
    "permits.permit.needs_attention": _("Needs attention"),
    "permits.permit.attention_cleared": _("Attention cleared"),
    "permits.permit.extension_declined": _("Extension declined"),
    "permits.permit.capacity_overridden": _("Capacity overridden"),
    "permits.permit.decision_due_soon": _("Decision due soon"),
    "permits.permit.decision_overdue": _("Decision overdue"),
    "integrations.drift.repair_requested": _("Partner records repaired"),
}


@dataclass(frozen=True)
class HistoryLine:
    at: object
    what: str
    who: str
    reason: str
    is_decision: bool


PARKING_SAID = _("Parking permit: %(state)s")
PARTNER_SAID = _("Recorded by a partner system")  # the domain does not name the partners; the actor does


def said(action: str) -> str:
    """The words for an audit action, on the manager's and the contractor's pages alike; an action this
    list does not know keeps a readable form of its code."""
    if action in SAID:
        return str(SAID[action])
    if action.startswith("permits.vehicle.parking_"):
        state = action.removeprefix("permits.vehicle.parking_")
        return str(PARKING_SAID % {"state": ParkingState(state).label if state in ParkingState.values else state})
    if action.startswith("integrations."):
        return str(PARTNER_SAID)
    words = action.removeprefix("permits.").removeprefix("permit.").replace("_", " ").split(".")
    return " ".join(words).capitalize().replace("Noc", "NOC")


def _people(events: list[AuditEvent]) -> dict[int, str]:
    """User id → "Omar (Al Noor Interiors LLC)" or "Sara", in one query."""
    ids = {event.actor_id for event in events if event.actor_id}
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids).select_related("contractor_profile__contractor")
    people = {}
    for user in users:
        name = user.get_short_name() or user.get_full_name() or user.get_username()
        profile = getattr(user, "contractor_profile", None)
        people[user.pk] = f"{name} ({profile.contractor.company_name})" if profile else name
    return people


def _who(event: AuditEvent, people: dict[int, str]) -> str:
    if event.actor_id in people:
        return people[event.actor_id]
    kind, _sep, name = event.actor_label.partition(": ")
    return f"{name} ({kind})" if name else event.actor_label


def permit_history_lines(permit: Permit, limit: int = 200) -> list[HistoryLine]:
    """Newest first."""
    events = list(
        AuditEvent.objects.filter(target_type="permit", target_id=str(permit.pk)).order_by("-at", "-id")[:limit]
    )
    people = _people(events)
    return [
        HistoryLine(
            at=event.at,
            what=said(event.action),
            who=_who(event, people),
            reason=attention_text(event.reason, event.data.get("reason_i18n")),
            is_decision=event.from_status != event.to_status,
        )
        for event in events
    ]
