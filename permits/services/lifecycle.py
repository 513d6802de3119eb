"""One service per move of the lifecycle (see ``permits.transitions``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.actors import Actor
from portal.core.events import domain_service
from portal.core.storage import StoredFile

from ..choices import DecisionOutcome, DecisionStage
from ..clashes import Clash, ClashKind
from ..models import Permit
from ..rules import Stage, check_permit_rules, submission_missing
from ..selectors.clashes import permit_clashes
from ..selectors.rules import current_noc, permit_facts
from ..transitions import Move, target_status
from ._common import apply_move, audit_permit, lock_building, lock_permit, require_reason
from .deadlines import decision_close, decision_open
from .expiry import permits_expire


def permit_missing_for_submission(permit: Permit) -> list[str]:
    return submission_missing(
        valid_from=permit.valid_from,
        valid_till=permit.valid_till,
        time_in=permit.time_in,
        time_out=permit.time_out,
        representative_name=permit.representative_name,
        representative_contact=permit.representative_contact,
        worker_count=permit.workers.count(),
        has_current_noc=current_noc(permit) is not None,
    )


def _check_ready(permit: Permit, *, stage: Stage, capacity_override_reason: str = "") -> list[Clash]:
    """Every submission rule, the clash rules included; returns the clashes found (refused or let through)."""
    missing = permit_missing_for_submission(permit)
    if missing:
        raise ValidationError(
            _("The permit cannot be submitted yet. Still missing: %(missing)s.") % {"missing": "; ".join(missing)},
            code="incomplete",
        )
    lock_building(permit)
    clashes = permit_clashes(permit, stage=stage)
    facts = permit_facts(permit, clashes=clashes, capacity_override_reason=capacity_override_reason)
    check_permit_rules(facts, stage=stage, now=timezone.now())
    return clashes


@domain_service
def permit_submit(*, actor: Actor, permit: Permit) -> Permit:
    permit = lock_permit(permit)
    target_status(permit.status, Move.SUBMIT)
    _check_ready(permit, stage=Stage.SUBMIT)
    apply_move(permit, Move.SUBMIT, actor=actor)
    permit.submitted_at = timezone.now()
    permit.save()
    return permit


@domain_service
def permit_approve(*, actor: Actor, permit: Permit, capacity_override_reason: str = "") -> Permit:
    """Approve; over the building's capacity only with a reason, which is audited."""
    reason = (capacity_override_reason or "").strip()
    permit = lock_permit(permit)
    target_status(permit.status, Move.APPROVE)
    clashes = _check_ready(permit, stage=Stage.APPROVE, capacity_override_reason=reason)
    apply_move(permit, Move.APPROVE, actor=actor)
    over = [clash for clash in clashes if clash.kind == ClashKind.CAPACITY]
    if over:
        audit_permit(
            permit,
            "permits.permit.capacity_overridden",
            actor=actor,
            reason=reason,
            data={
                "days": [day.isoformat() for clash in over for day in clash.days],
                "others": [ref for clash in over for ref in clash.others],
            },
        )
    permit.decision_note = ""
    permit.save()
    return permit


@domain_service
def permit_reject(*, actor: Actor, permit: Permit, reason: str) -> Permit:
    reason = require_reason(reason, _("Give a reason for the rejection."))
    permit = lock_permit(permit)
    apply_move(permit, Move.REJECT, actor=actor, reason=reason)
    permit.decision_note = reason
    permit.save()
    return permit


@domain_service
def permit_request_changes(*, actor: Actor, permit: Permit, note: str) -> Permit:
    note = require_reason(note, _("Give a reason saying what must change."))
    permit = lock_permit(permit)
    apply_move(permit, Move.REQUEST_CHANGES, actor=actor, reason=note)
    permit.decision_note = note
    permit.submitted_at = None
    permit.save()
    return permit


@domain_service
def permit_cancel(*, actor: Actor, permit: Permit, reason: str = "") -> Permit:
    permit = lock_permit(permit)
    apply_move(permit, Move.CANCEL, actor=actor, reason=reason)
    permit.save()
    return permit


def _clashes_if_moved(permit: Permit, valid_from: datetime.datetime, valid_till: datetime.datetime) -> list[Clash]:
    """The clashes the permit would have with these dates (judged like an approval: with what will happen)."""
    lock_building(permit)
    kept = permit.valid_from, permit.valid_till
    permit.valid_from, permit.valid_till = valid_from, valid_till
    try:
        return permit_clashes(permit, stage=Stage.EXTEND)
    finally:
        permit.valid_from, permit.valid_till = kept


@domain_service
def permit_request_extension(*, actor: Actor, permit: Permit, valid_till: datetime.datetime, note: str = "") -> Permit:
    """A contractor asks for a later end; a property manager decides with ``permit_extend``."""
    permit = lock_permit(permit)
    target_status(permit.status, Move.EXTEND)
    if valid_till <= permit.valid_till:
        raise ValidationError({"valid_till": _("Ask for an end later than the current one.")})
    clashes = _clashes_if_moved(permit, permit.valid_from, valid_till)
    facts = permit_facts(permit, valid_till=valid_till, clashes=clashes)
    check_permit_rules(facts, stage=Stage.EXTEND, now=timezone.now())
    permit.extension_requested_till = valid_till
    permit.extension_request_note = note
    wait = decision_open(permit, DecisionStage.EXTENSION, now=timezone.now())
    permit.save()
    audit_permit(
        permit,
        "permits.permit.extension_requested",
        actor=actor,
        reason=note,
        data={"requested_till": valid_till.isoformat(), "decide_by": wait.due_at.isoformat()},
    )
    return permit


@domain_service
def permit_extend(
    *, actor: Actor, permit: Permit, valid_till: datetime.datetime, valid_from: datetime.datetime | None = None
) -> Permit:
    """Change the validity of an approved or active permit; the pass and parking follow its event."""
    permit = lock_permit(permit)
    target_status(permit.status, Move.EXTEND)
    new_from = valid_from or permit.valid_from
    data = {
        "valid_from": [permit.valid_from.isoformat(), new_from.isoformat()],
        "valid_till": [permit.valid_till.isoformat(), valid_till.isoformat()],
    }
    clashes = _clashes_if_moved(permit, new_from, valid_till)
    facts = permit_facts(permit, valid_from=new_from, valid_till=valid_till, clashes=clashes)
    check_permit_rules(facts, stage=Stage.EXTEND, now=timezone.now())
    permit.valid_from, permit.valid_till = new_from, valid_till
    permit.extension_requested_till = None
    permit.extension_request_note = ""
    apply_move(permit, Move.EXTEND, actor=actor, data=data)
    permit.save()
    return permit


@domain_service
def permit_extension_decline(*, actor: Actor, permit: Permit, reason: str) -> Permit:
    """A property manager declines the contractor's extension request; the permit keeps its dates."""
    reason = require_reason(reason, "for declining the extension")
    permit = lock_permit(permit)
    if permit.extension_requested_till is None:
        raise ValidationError(_("No extension is requested for this permit."), code="no_request")
    requested = permit.extension_requested_till
    permit.extension_requested_till = None
    permit.extension_request_note = ""
    decision_close(permit, DecisionOutcome.REJECTED, now=timezone.now())  # a decision: it counts as one
    permit.save()
    audit_permit(
        permit,
        "permits.permit.extension_declined",
        actor=actor,
        reason=reason,
        data={"requested_till": requested.isoformat()},
    )
    return permit


@domain_service
def permit_revoke(*, actor: Actor, permit: Permit, reason: str) -> Permit:
    reason = require_reason(reason, _("Give a reason for revoking the pass."))
    permit = lock_permit(permit)
    apply_move(permit, Move.REVOKE, actor=actor, reason=reason)
    permit.revocation_reason = reason
    permit.save()
    return permit


@domain_service
def permit_reissue(*, actor: Actor, permit: Permit, reason: str = "") -> Permit:
    """Ask for a new access code; the old one stops working once the gates have it."""
    permit = lock_permit(permit)
    apply_move(permit, Move.REISSUE, actor=actor, reason=reason)
    permit.save()
    return permit


@domain_service
def permit_pass_issue(
    *,
    actor: Actor,
    permit: Permit,
    pass_number: str,
    access_code: str,
    qr_image: StoredFile | None = None,
    documentation_url: str = "",
) -> Permit:
    """The pass was issued (or reissued): the permit becomes active. ``qr_image`` is already stored (no I/O here)."""
    permit = lock_permit(permit)
    if permit.status != "active":
        apply_move(permit, Move.ACTIVATE, actor=actor, data={"pass_number": pass_number})
    else:
        audit_permit(permit, "permits.pass.reissued", actor=actor, data={"pass_number": pass_number})
    permit.pass_number = pass_number or permit.pass_number
    permit.access_code = access_code or permit.access_code
    permit.pass_documentation_url = documentation_url or permit.pass_documentation_url
    permit.pass_issued_at = timezone.now()
    if qr_image is not None:
        permit.qr_image.name = qr_image.attach()
    permit.save()
    return permit


@domain_service
def permit_expire(*, actor: Actor, permit: Permit) -> Permit:
    """The one-permit path of the expiry move (``permits_expire`` is the move itself)."""
    permit = lock_permit(permit)
    target_status(permit.status, Move.EXPIRE)
    permits_expire([permit], actor=actor)
    return permit


@domain_service
def permit_archive(*, actor: Actor, permit: Permit, reason: str) -> Permit:
    permit = lock_permit(permit)
    apply_move(permit, Move.ARCHIVE, actor=actor, reason=reason)
    permit.revocation_reason = reason  # the contractor reads why it ended (the company revoked, usually)
    permit.save()
    return permit
