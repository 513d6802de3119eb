"""Every allowed and every refused move, each through its service."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from permits import services
from permits.choices import PermitStatus
from permits.transitions import TRANSITIONS, Move, TransitionNotAllowed, allowed_moves, target_status
from portal.core.actors import Actor
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import in_days, permit_in_status

ACTOR = Actor.system("test")

CALLS = {
    Move.SUBMIT: lambda p: services.permit_submit(actor=ACTOR, permit=p),
    Move.APPROVE: lambda p: services.permit_approve(actor=ACTOR, permit=p),
    Move.REJECT: lambda p: services.permit_reject(actor=ACTOR, permit=p, reason="Incomplete drawings."),
    Move.REQUEST_CHANGES: lambda p: services.permit_request_changes(actor=ACTOR, permit=p, note="Add the NOC."),
    Move.CANCEL: lambda p: services.permit_cancel(actor=ACTOR, permit=p),
    Move.ACTIVATE: lambda p: services.permit_pass_issue(
        actor=ACTOR, permit=p, pass_number="WP-000002", access_code="7H2KQ9ZTM4XB1RPA8VC0DLEN"
    ),
    Move.EXTEND: lambda p: services.permit_extend(actor=ACTOR, permit=p, valid_till=in_days(40, hour=14)),
    Move.REVOKE: lambda p: services.permit_revoke(actor=ACTOR, permit=p, reason="Safety breach."),
    Move.REISSUE: lambda p: services.permit_reissue(actor=ACTOR, permit=p),
    Move.EXPIRE: lambda p: services.permit_expire(actor=ACTOR, permit=p),
    Move.ARCHIVE: lambda p: services.permit_archive(actor=ACTOR, permit=p, reason="Contractor revoked."),
}
ALL_STATUSES = [status.value for status in PermitStatus]
# permit_pass_issue on an active permit is a reissue from Buzz-In, not a refused activation.
MATRIX = [
    (move, status)
    for move in Move
    for status in ALL_STATUSES
    if not (move == Move.ACTIVATE and status == PermitStatus.ACTIVE)
]


def test_every_move_has_a_service():
    assert set(CALLS) == set(Move)


@pytest.mark.django_db
@pytest.mark.parametrize(("move", "status"), MATRIX, ids=[f"{m}-from-{s}" for m, s in MATRIX])
def test_move_is_allowed_exactly_when_the_table_says_so(move, status):
    permit = permit_in_status(status)
    audit_before = AuditEvent.objects.count()
    outbox_before = OutboundDelivery.objects.count()
    sources, target = TRANSITIONS[move]
    if status in sources:
        result = CALLS[move](permit)
        assert result.status == (target or status)
        assert AuditEvent.objects.count() == audit_before + 1
    else:
        with pytest.raises(TransitionNotAllowed):
            CALLS[move](permit)
        permit.refresh_from_db()
        assert permit.status == status
        assert AuditEvent.objects.count() == audit_before
        assert OutboundDelivery.objects.count() == outbox_before


def test_allowed_moves_follow_the_table():
    assert allowed_moves(PermitStatus.SUBMITTED) == [Move.APPROVE, Move.REJECT, Move.REQUEST_CHANGES, Move.CANCEL]
    assert allowed_moves(PermitStatus.ACTIVE) == [Move.EXTEND, Move.REVOKE, Move.REISSUE, Move.EXPIRE, Move.ARCHIVE]
    assert allowed_moves(PermitStatus.REJECTED) == []


def test_refusal_is_a_sentence():
    with pytest.raises(ValidationError) as caught:
        target_status(PermitStatus.DRAFT, Move.APPROVE)
    assert caught.value.messages == ["A draft permit cannot be approved."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("move", "kwargs"),
    [(Move.REJECT, {"reason": "  "}), (Move.REQUEST_CHANGES, {"note": ""}), (Move.REVOKE, {"reason": ""})],
)
def test_moves_that_need_a_reason_refuse_without_one(move, kwargs):
    status = PermitStatus.ACTIVE if move == Move.REVOKE else PermitStatus.SUBMITTED
    permit = permit_in_status(status)
    service = {
        Move.REJECT: services.permit_reject,
        Move.REQUEST_CHANGES: services.permit_request_changes,
        Move.REVOKE: services.permit_revoke,
    }[move]
    with pytest.raises(ValidationError, match="Give a reason"):
        service(actor=ACTOR, permit=permit, **kwargs)
    permit.refresh_from_db()
    assert permit.status == status


@pytest.mark.django_db
def test_extension_request_is_recorded_without_changing_the_window():
    permit = permit_in_status("active")
    till = permit.valid_till
    services.permit_request_extension(actor=ACTOR, permit=permit, valid_till=till + datetime.timedelta(days=5))
    permit.refresh_from_db()
    assert permit.valid_till == till
    assert permit.extension_requested_till == till + datetime.timedelta(days=5)
