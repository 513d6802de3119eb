"""Buzz-In follows the domain: which events it reacts to, and the operations each one becomes.

| event                                   | operations                                    |
|-----------------------------------------|-----------------------------------------------|
| contractors.membership.approved         | contractor.create (create, or join: approve)  |
| contractors.membership.revoked          | contractor.revoke (when Buzz-In knew it)      |
| permits.permit.approved                 | permit.create (unless it has an id), submit   |
| permits.permit.extended                 | permit.update_validity                        |
| permits.noc.uploaded (approved, active) | permit.replace_noc                            |
| permits.worker.added, permits.vehicle.added / removed / plate_changed (approved, active)            |
|                                         | permit.update_people (the whole lists)        |
| permits.permit.revoked                  | pass.revoke                                   |
| permits.permit.reissue_requested        | pass.reissue                                  |

Changes Buzz-In itself reported (actor ``partner: Buzz-In``) are not sent back. An archive needs no
call: Buzz-In archives a revoked contractor's permits itself, and expiry is Buzz-In's own.

A company's rows, whatever the community, share one sequence (``buzzin:contractor:<pk>``): Buzz-In keeps
one contractor per company, so the first community's create goes before any other community's join
(which needs the id the create brings) and a revoke never overtakes the approval it undoes.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from contractors.models import ContractorMembership
from permits.choices import PermitStatus
from portal.core.models import AuditEvent

from ..delivery.models import OPEN_DELIVERY_STATES, OutboundDelivery
from ..delivery.outcome import Outcome
from ..delivery.planning import Planned, events_of
from ..delivery.subscriber import DeliverySubscriber
from ..http import CallRecord, PartnerError
from . import attention, handlers
from . import operations as op
from .connection import buzzin_api_key_for, buzzin_client
from .models import BuzzinContractorState, BuzzinMembership, BuzzinPermit
from .records import BUZZIN

PASS_STATUSES = (PermitStatus.APPROVED, PermitStatus.ACTIVE)  # Buzz-In holds the permit in these
# The gates know the permit's workers and vehicles: a change of either sends the whole lists again.
PEOPLE_EVENTS = (
    "permits.worker.added",
    "permits.vehicle.added",
    "permits.vehicle.removed",
    "permits.vehicle.plate_changed",
)


class BuzzinSubscriber(DeliverySubscriber):
    name = "buzzin"
    label = "Buzz-In"
    operations = op.LABELS

    def receive(self, events: Sequence[AuditEvent]) -> None:
        super().receive(events)
        attention.resend_after_contact_update(events)
        attention.resend_after_permit_fix(events)

    def plan(self, events: Sequence[AuditEvent]) -> list[Planned]:
        echo = BUZZIN.label
        planned: list[Planned] = []
        approved = events_of(events, "contractors.membership.approved", echo_of=echo)
        revoked = events_of(events, "contractors.membership.revoked", echo_of=echo)
        companies = _companies_of([*approved, *revoked])
        planned += self._memberships_approved(approved, companies)
        for event in revoked:
            if _membership_state(event) != BuzzinContractorState.NOT_SENT:
                planned.append(_membership_op(event, op.CONTRACTOR_REVOKE, companies, {"reason": event.reason}))
        planned += self._permits_approved(events_of(events, "permits.permit.approved"))
        for event in events_of(events, "permits.permit.extended", echo_of=echo):
            planned.append(_permit_op(event, op.PERMIT_UPDATE_VALIDITY))
        for event in events_of(events, "permits.noc.uploaded"):
            if event.to_status in PASS_STATUSES:
                planned.append(_permit_op(event, op.PERMIT_REPLACE_NOC, {"noc_version": event.data.get("noc")}))
        for event in events_of(events, *PEOPLE_EVENTS):
            if event.to_status in PASS_STATUSES:
                planned.append(_permit_op(event, op.PERMIT_UPDATE_PEOPLE))
        for event in events_of(events, "permits.permit.revoked", echo_of=echo):
            planned.append(_permit_op(event, op.PASS_REVOKE, {"reason": event.reason}))
        for event in events_of(events, "permits.permit.reissue_requested"):
            planned.append(_permit_op(event, op.PASS_REISSUE))
        return sorted(planned, key=lambda item: item.event.pk)

    def _memberships_approved(self, events: list[AuditEvent], companies: dict[int, int]) -> list[Planned]:
        planned = []
        for event in events:
            link, _ = BuzzinMembership.objects.get_or_create(membership_id=int(event.target_id))
            gone = link.state in (BuzzinContractorState.NOT_SENT, BuzzinContractorState.REMOVED)
            if gone or _revoke_on_its_way(link.membership_id):
                BuzzinMembership.objects.filter(pk=link.pk).update(state=BuzzinContractorState.PENDING)
                planned.append(_membership_op(event, op.CONTRACTOR_CREATE, companies))
        return planned

    def _permits_approved(self, events: list[AuditEvent]) -> list[Planned]:
        planned = []
        for event in events:
            link, _ = BuzzinPermit.objects.get_or_create(permit_id=int(event.target_id))
            if not link.buzzin_id:
                planned.append(_permit_op(event, op.PERMIT_CREATE))
            planned.append(_permit_op(event, op.PERMIT_SUBMIT))
        return planned

    # --- delivery ---

    def load_target(self, delivery: OutboundDelivery):
        return handlers.load_target(delivery)

    def send(self, delivery: OutboundDelivery, target) -> Outcome:
        handler = handlers.HANDLERS.get(delivery.operation)
        if handler is None:
            return super().send(delivery, target)
        return handler(delivery, target, buzzin_client(delivery.community))

    def error_outcome(self, error: PartnerError, calls: list[CallRecord]) -> Outcome:
        return handlers.error_outcome(error, calls)

    def on_failed(self, delivery: OutboundDelivery, target, message: str) -> None:
        attention.note_failure(delivery, target)

    def on_succeeded(self, delivery: OutboundDelivery, target) -> None:
        attention.note_success(delivery, target)

    def secrets(self, delivery: OutboundDelivery) -> tuple[str, ...]:
        return (buzzin_api_key_for(delivery.community), settings.BUZZIN_API_KEY)


def _permit_op(event: AuditEvent, operation: str, params: dict | None = None) -> Planned:
    return Planned(
        operation=operation,
        target_type="permit",
        target_id=event.target_id,
        community_id=event.community_id,
        sequence=f"permit:{event.target_id}",
        event=event,
        params=params or {},
    )


def _membership_op(event: AuditEvent, operation: str, companies: dict[int, int], params: dict | None = None) -> Planned:
    return Planned(
        operation=operation,
        target_type=ContractorMembership._meta.model_name,
        target_id=event.target_id,
        community_id=event.community_id,
        sequence=_contractor_sequence(companies[int(event.target_id)]),
        event=event,
        params=params or {},
    )


def _contractor_sequence(contractor_id: int) -> str:
    """One sequence per company at Buzz-In, whatever the community (see the module's docstring)."""
    return f"contractor:{contractor_id}"


def _companies_of(events: list[AuditEvent]) -> dict[int, int]:
    """Membership id → company id, in one query."""
    ids = {int(event.target_id) for event in events}
    if not ids:
        return {}
    return dict(ContractorMembership.objects.filter(pk__in=ids).values_list("pk", "contractor_id"))


def _revoke_on_its_way(membership_id: int) -> bool:
    """A revoke not yet carried out: the company will be removed at Buzz-In, so a new approval must join again
    (found by the fault script: approved again before the revoke went, the company stayed removed)."""
    return OutboundDelivery.objects.filter(
        subscriber=BuzzinSubscriber.name,
        operation=op.CONTRACTOR_REVOKE,
        target_type=ContractorMembership._meta.model_name,
        target_id=str(membership_id),
        state__in=OPEN_DELIVERY_STATES,
    ).exists()


def _membership_state(event: AuditEvent) -> str:
    state = BuzzinMembership.objects.filter(membership_id=int(event.target_id)).values_list("state", flat=True).first()
    return state or BuzzinContractorState.NOT_SENT


subscriber = BuzzinSubscriber()
