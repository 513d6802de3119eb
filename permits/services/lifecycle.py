"""One service per move of the lifecycle (see ``permits.transitions``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.core.actors import Actor
from portal.core.choices import Operation

from ..models import Permit
from ..rules import Stage, check_permit_rules, submission_missing
from ..selectors.rules import current_noc, permit_facts
from ..transitions import Move, target_status
from ._common import (
    apply_move,
    audit_permit,
    enqueue_buzzin,
    enqueue_parking,
    lock_permit,
    parking_follow_validity,
    release_parking,
    require_reason,
)


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


def _check_ready(permit: Permit) -> None:
    missing = permit_missing_for_submission(permit)
    if missing:
        raise ValidationError(
            "The permit cannot be submitted yet. Still missing: " + "; ".join(missing) + ".", code="incomplete"
        )
    check_permit_rules(permit_facts(permit), stage=Stage.SUBMIT, now=timezone.now())


@transaction.atomic
def permit_submit(*, actor: Actor, permit: Permit) -> Permit:
    permit = lock_permit(permit)
    target_status(permit.status, Move.SUBMIT)
    _check_ready(permit)
    apply_move(permit, Move.SUBMIT, actor=actor)
    permit.submitted_at = timezone.now()
    permit.save()
    return permit


@transaction.atomic
def permit_approve(*, actor: Actor, permit: Permit) -> Permit:
    permit = lock_permit(permit)
    target_status(permit.status, Move.APPROVE)
    _check_ready(permit)
    apply_move(permit, Move.APPROVE, actor=actor)
    permit.decision_note = ""
    permit.save()
    if not permit.buzzin_id:
        enqueue_buzzin(permit, Operation.PERMIT_CREATE)
    enqueue_buzzin(permit, Operation.PERMIT_SUBMIT)
    return permit


@transaction.atomic
def permit_reject(*, actor: Actor, permit: Permit, reason: str) -> Permit:
    reason = require_reason(reason, "for the rejection")
    permit = lock_permit(permit)
    apply_move(permit, Move.REJECT, actor=actor, reason=reason)
    permit.decision_note = reason
    permit.save()
    return permit


@transaction.atomic
def permit_request_changes(*, actor: Actor, permit: Permit, note: str) -> Permit:
    note = require_reason(note, "saying what must change")
    permit = lock_permit(permit)
    apply_move(permit, Move.REQUEST_CHANGES, actor=actor, reason=note)
    permit.decision_note = note
    permit.submitted_at = None
    permit.save()
    return permit


@transaction.atomic
def permit_cancel(*, actor: Actor, permit: Permit, reason: str = "") -> Permit:
    permit = lock_permit(permit)
    apply_move(permit, Move.CANCEL, actor=actor, reason=reason)
    permit.save()
    return permit


@transaction.atomic
def permit_request_extension(*, actor: Actor, permit: Permit, valid_till: datetime.datetime, note: str = "") -> Permit:
    """A contractor asks for a later end; a property manager decides with ``permit_extend``."""
    permit = lock_permit(permit)
    target_status(permit.status, Move.EXTEND)
    if valid_till <= permit.valid_till:
        raise ValidationError({"valid_till": "Ask for an end later than the current one."})
    check_permit_rules(permit_facts(permit, valid_till=valid_till), stage=Stage.EXTEND, now=timezone.now())
    permit.extension_requested_till = valid_till
    permit.extension_request_note = note
    permit.save()
    audit_permit(
        permit,
        "permits.permit.extension_requested",
        actor=actor,
        reason=note,
        data={"requested_till": valid_till.isoformat()},
    )
    return permit


@transaction.atomic
def permit_extend(
    *, actor: Actor, permit: Permit, valid_till: datetime.datetime, valid_from: datetime.datetime | None = None
) -> Permit:
    """Change the validity of an approved or active permit; the pass and parking follow."""
    permit = lock_permit(permit)
    target_status(permit.status, Move.EXTEND)
    new_from = valid_from or permit.valid_from
    check_permit_rules(
        permit_facts(permit, valid_from=new_from, valid_till=valid_till), stage=Stage.EXTEND, now=timezone.now()
    )
    start_moved = new_from != permit.valid_from
    data = {
        "valid_from": [permit.valid_from.isoformat(), new_from.isoformat()],
        "valid_till": [permit.valid_till.isoformat(), valid_till.isoformat()],
    }
    permit.valid_from, permit.valid_till = new_from, valid_till
    permit.extension_requested_till = None
    permit.extension_request_note = ""
    apply_move(permit, Move.EXTEND, actor=actor, data=data)
    permit.save()
    enqueue_buzzin(permit, Operation.PERMIT_UPDATE_VALIDITY)
    parking_follow_validity(permit, start_moved=start_moved)
    return permit


@transaction.atomic
def permit_revoke(*, actor: Actor, permit: Permit, reason: str) -> Permit:
    reason = require_reason(reason, "for revoking the pass")
    permit = lock_permit(permit)
    apply_move(permit, Move.REVOKE, actor=actor, reason=reason)
    permit.revocation_reason = reason
    permit.save()
    enqueue_buzzin(permit, Operation.PASS_REVOKE, {"reason": reason})
    release_parking(permit)
    return permit


@transaction.atomic
def permit_reissue(*, actor: Actor, permit: Permit, reason: str = "") -> Permit:
    """Ask Buzz-In for a new access code; the old one stops working at once."""
    permit = lock_permit(permit)
    apply_move(permit, Move.REISSUE, actor=actor, reason=reason)
    permit.save()
    enqueue_buzzin(permit, Operation.PASS_REISSUE)
    return permit


@transaction.atomic
def permit_pass_issue(
    *,
    actor: Actor,
    permit: Permit,
    pass_number: str,
    access_code: str,
    qr_png: bytes | None = None,
    documentation_url: str = "",
    buzzin_id: str = "",
) -> Permit:
    """Buzz-In issued (or reissued) the pass: the permit becomes active and its vehicles get parking."""
    permit = lock_permit(permit)
    first_issue = permit.status != "active"
    if first_issue:
        apply_move(permit, Move.ACTIVATE, actor=actor, data={"pass_number": pass_number})
    else:
        audit_permit(permit, "permits.pass.reissued", actor=actor, data={"pass_number": pass_number})
    permit.pass_number = pass_number or permit.pass_number
    permit.access_code = access_code or permit.access_code
    permit.pass_documentation_url = documentation_url or permit.pass_documentation_url
    permit.buzzin_id = buzzin_id or permit.buzzin_id
    permit.pass_issued_at = timezone.now()
    if qr_png:
        permit.qr_image.save(
            f"{permit.reference}-{permit.pass_issued_at:%Y%m%d%H%M%S}.png", ContentFile(qr_png), save=False
        )
    permit.save()
    if first_issue:
        for vehicle in permit.vehicles.filter(removed_at__isnull=True):
            enqueue_parking(vehicle, permit, Operation.PARKING_PUSH)
    return permit


@transaction.atomic
def permit_expire(*, actor: Actor, permit: Permit) -> Permit:
    permit = lock_permit(permit)
    apply_move(permit, Move.EXPIRE, actor=actor)
    permit.save()
    release_parking(permit)
    return permit


@transaction.atomic
def permit_archive(*, actor: Actor, permit: Permit, reason: str) -> Permit:
    permit = lock_permit(permit)
    apply_move(permit, Move.ARCHIVE, actor=actor, reason=reason)
    permit.save()
    release_parking(permit)
    return permit
