"""A Buzz-In refusal a person can fix becomes "Needs attention" on the company or the permit, and is sent again.

| refusal                                              | shows on        | who must act                      |
|------------------------------------------------------|-----------------|-----------------------------------|
| contractor.create 4xx (e.g. a phone Buzz-In refuses)  | the membership  | the company (or its manager)      |
| permit.create: the company is unknown at Buzz-In      | the permit      | the company, when its data is at fault |
| permit refused for a vehicle (e.g. a blank plate)     | the permit      | the company, on the permit page   |
| any other 4xx, a missing id or mapping               | the permit      | the property manager              |

Configuration faults (a wrong key) are the operators' (``notifications.partner_faults``), not here.
Saving the company's contact details (``contractors.contractor.contact_updated``) sends its refused
rows again; a company accepted at last sends its permits' refused rows again; a success clears the flag.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.translation import gettext_noop

from contractors.choices import AttentionParty
from contractors.models import ContractorMembership
from contractors.services import membership_attention_clear, membership_attention_raise
from permits.models import Permit
from permits.services import permit_attention_clear, permit_attention_raise
from portal.core.actors import Actor
from portal.core.models import AuditEvent

from ..delivery.models import OutboundDelivery
from ..delivery.outcome import MISSING_ID, PAYLOAD
from ..delivery.selectors import failed_row_ids
from ..delivery.services import deliveries_wake_waiting, delivery_retry
from . import operations as op
from .records import BUZZIN

VEHICLE_FIXES = ("permits.vehicle.plate_changed", "permits.vehicle.removed")
FIXABLE_KINDS = {"bad_request", "conflict", "not_found", "not_ready", MISSING_ID, PAYLOAD, "error"}
MEMBERSHIP = ContractorMembership._meta.model_name
PERMIT = Permit._meta.model_name
RESEND = Actor.system("sent again after a fix")
PREFIX = "The gate system"  # every note raised here starts so; another partner's note is not ours to clear
_PREFIX = re.compile(r"^(Gave up (waiting )?after \d+ (attempts|tries): )?Buzz-In( \d{3})?: ")


def plain(message: str) -> str:
    """The partner's own sentence, without our retry bookkeeping and status code."""
    return _PREFIX.sub("", message or "").strip()


def note_failure(delivery: OutboundDelivery, target) -> None:
    if delivery.error_kind not in FIXABLE_KINDS or target is None:
        return
    detail = {"detail": plain(delivery.last_error)}
    if delivery.target_type == MEMBERSHIP:
        if delivery.operation != op.CONTRACTOR_CREATE:
            return  # a refused revoke is the operators' (failed deliveries), not the company's to fix
        reason = gettext_noop("The gate system (Buzz-In) refused the company's details: %(detail)s")
        membership_attention_raise(
            actor=BUZZIN, membership=target, reason=reason, by=AttentionParty.COMPANY, params=detail
        )
        return
    if delivery.target_type != PERMIT:
        return
    company = _membership_needing_attention(target)
    if delivery.operation == op.PERMIT_CREATE and delivery.error_kind in ("not_ready", "not_found"):
        if company is not None:
            reason = gettext_noop("The gate system does not know the company yet: %(detail)s")
            detail, by = {"detail": company.attention_text}, AttentionParty.COMPANY
        else:
            reason = gettext_noop(
                "The gate system does not know the company yet, so it cannot issue the pass: %(detail)s"
            )
            by = AttentionParty.MANAGER
    else:
        reason = gettext_noop("The gate system (Buzz-In) refused the permit: %(detail)s")
        by = AttentionParty.PERMIT if _about_vehicles(detail["detail"]) else AttentionParty.MANAGER
    permit_attention_raise(actor=BUZZIN, permit=target, reason=reason, by=by, params=detail)


def note_success(delivery: OutboundDelivery, target) -> None:
    if target is None:
        return
    if delivery.target_type == MEMBERSHIP:
        cleared = membership_attention_clear(actor=BUZZIN, membership=target, note="Accepted by the gate system.")
        if cleared and delivery.operation == op.CONTRACTOR_CREATE:
            _resend_permits_of(target)
    elif delivery.target_type == PERMIT and target.attention_since is not None and _ours(target.attention_note):
        permit_attention_clear(actor=BUZZIN, permit=target, note="Accepted by the gate system.")


def resend_after_contact_update(events: Sequence[AuditEvent]) -> None:
    """The company's details were corrected: its refused rows at Buzz-In go again."""
    contractor_ids = {int(e.target_id) for e in events if e.action == "contractors.contractor.contact_updated"}
    if not contractor_ids:  # nearly every change: not even a query to build
        return
    for membership in ContractorMembership.objects.filter(contractor_id__in=contractor_ids).select_related("community"):
        failed = failed_row_ids("buzzin", MEMBERSHIP, [membership.pk])
        if failed:  # the flag stays until the gate system accepts it (``note_success``)
            delivery_retry(ids=failed, actor=RESEND)


def resend_after_permit_fix(events: Sequence[AuditEvent]) -> None:
    """A permit the gates refused for its vehicles had one corrected or removed: its refused rows go again."""
    fixed = {int(e.target_id) for e in events if e.action in VEHICLE_FIXES and e.target_type == PERMIT}
    waiting = Permit.objects.filter(
        pk__in=fixed, attention_by=AttentionParty.PERMIT, attention_note__startswith=PREFIX
    ).values_list("pk", flat=True)
    if fixed and (ids := list(waiting)):
        delivery_retry(ids=failed_row_ids("buzzin", PERMIT, ids), actor=RESEND)


def _about_vehicles(detail: str) -> bool:
    """Buzz-In names the field it refused, e.g. ``vehicles[0].plate``: a company corrects that on its permit."""
    return "vehicles[" in detail or "plate" in detail.lower()


def _resend_permits_of(membership: ContractorMembership) -> None:
    """The company is now at Buzz-In in this community: its permits waiting or refused for that go now."""
    permit_ids = list(
        Permit.objects.filter(contractor_id=membership.contractor_id, community_id=membership.community_id).values_list(
            "pk", flat=True
        )
    )
    if not permit_ids:
        return
    delivery_retry(ids=failed_row_ids("buzzin", PERMIT, permit_ids), actor=RESEND)
    deliveries_wake_waiting(
        contractor_id=membership.contractor_id,
        community_id=membership.community_id,
        subscriber="buzzin",
        operation=op.PERMIT_CREATE,
    )
    for permit_id in Permit.objects.filter(
        pk__in=permit_ids, attention_since__isnull=False, attention_note__startswith=PREFIX
    ).values_list("pk", flat=True):
        permit_attention_clear(actor=RESEND, permit=permit_id, note="The company is now known to the gate system.")


def _ours(note: str) -> bool:
    return note.startswith(PREFIX)


def _membership_needing_attention(permit: Permit) -> ContractorMembership | None:
    return ContractorMembership.objects.filter(
        contractor_id=permit.contractor_id, community_id=permit.community_id, attention_since__isnull=False
    ).first()
