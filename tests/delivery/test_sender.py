"""The sender against scripted Buzz-In answers: retries, failures, conflicts, order, redelivery."""

from __future__ import annotations

import datetime

import pytest
from celery import current_app

from contractors.models import ContractorMembership
from permits import services
from portal.core.actors import Actor
from portal.core.models import AuditEvent
from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.buzzin.models import BuzzinContractorState
from portal.integrations.delivery import sender
from portal.integrations.delivery.models import DeliveryAttempt, OutboundDelivery
from portal.integrations.http import BadRequest, Conflict, NotFound, PartnerTimeout, RateLimited, ServerError
from tests.factories import (
    buzzin_membership,
    buzzin_permit,
    in_days,
    link_buzzin_permit,
    permit_in_status,
    set_buzzin_key,
    set_buzzin_membership,
)

from .conftest import fail, ok

pytestmark = pytest.mark.django_db
BUZZIN_ID = "6650f0c2a1b2c3d4e5f60718"


def permit_rows(permit) -> list[OutboundDelivery]:
    return list(OutboundDelivery.objects.filter(target_type="permit", target_id=str(permit.pk)).order_by("pk"))


def created(buzzin_id: str = BUZZIN_ID) -> object:
    return ok({"_id": buzzin_id, "status": 10}, status=201)


@pytest.fixture
def approved():
    """An approved permit: its create and submit rows are waiting in the outbox."""
    permit = permit_in_status("approved")
    assert [row.operation for row in permit_rows(permit)] == [buzzin_op.PERMIT_CREATE, buzzin_op.PERMIT_SUBMIT]
    return permit


def test_retries_after_503s_then_succeeds(approved, buzzin_stub):
    unavailable = fail(ServerError, "Service temporarily unavailable", status=503)
    buzzin_stub.script["create_permit"] = [unavailable, unavailable, created()]
    create, _ = permit_rows(approved)

    assert sender.delivery_send(create.pk) == "retry"
    create.refresh_from_db()
    assert (create.state, create.attempt_count, create.error_kind) == ("pending", 1, "server_error")
    assert "503" in create.last_error and create.next_attempt_at is not None
    assert sender.delivery_send(create.pk) == "retry"
    assert sender.delivery_send(create.pk) == "succeeded"

    create.refresh_from_db()
    link = buzzin_permit(approved)
    assert (create.state, create.attempt_count, create.last_error) == ("succeeded", 3, "")
    assert create.result["_id"] == BUZZIN_ID and link.buzzin_id == BUZZIN_ID
    assert link.status == "DRAFT"
    outcomes = list(create.attempts.order_by("pk").values_list("outcome", "status_code"))
    assert outcomes == [("retry", 503), ("retry", 503), ("succeeded", 201)]
    keys = {kwargs["idempotency_key"] for name, _, kwargs in buzzin_stub.calls}
    assert keys == {f"delivery-{create.pk}"}
    recorded = AuditEvent.objects.filter(action="integrations.buzzin.permit_recorded", target_id=str(approved.pk))
    assert recorded.count() == 1


def test_timeouts_and_429_are_retried_too(approved, buzzin_stub):
    buzzin_stub.script["create_permit"] = [
        fail(PartnerTimeout, "timeout: read timed out"),
        fail(RateLimited, "Too many requests", status=429, retry_after=0.0),
        created(),
    ]
    create, _ = permit_rows(approved)
    assert [sender.delivery_send(create.pk) for _ in range(3)] == ["retry", "retry", "succeeded"]


def test_no_retry_after_a_400_and_the_row_keeps_buzzins_message(approved, buzzin_stub):
    buzzin_stub.script["create_permit"] = [fail(BadRequest, "validTill must be in the future", status=400)]
    create, _ = permit_rows(approved)

    assert sender.delivery_send(create.pk) == "failed"
    create.refresh_from_db()
    assert (create.state, create.attempt_count, create.error_kind) == ("failed", 1, "bad_request")
    assert create.last_error == "Buzz-In 400: validTill must be in the future"
    assert create.next_attempt_at is None
    assert sender.delivery_send(create.pk) == "skipped: already failed"
    assert buzzin_stub.names() == ["create_permit"]


def test_tries_run_out_then_the_row_fails_with_its_reason(approved, buzzin_stub, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    buzzin_stub.script["create_permit"] = [fail(ServerError, "Bad gateway", status=502) for _ in range(3)]
    create, _ = permit_rows(approved)

    assert [sender.delivery_send(create.pk) for _ in range(3)] == ["retry", "retry", "failed"]
    create.refresh_from_db()
    assert (create.state, create.error_kind) == ("failed", "server_error")
    assert create.last_error == "Gave up after 3 attempts: Buzz-In 502: Bad gateway"


def test_409_on_permit_create_is_resolved_by_looking_the_permit_up(approved, buzzin_stub):
    buzzin_stub.script["create_permit"] = [fail(Conflict, "A permit with salesforcePermitId exists", status=409)]
    buzzin_stub.script["get_permit"] = [ok({"_id": BUZZIN_ID, "status": 11, "statusName": "SUBMITTED"})]
    create, _ = permit_rows(approved)

    assert sender.delivery_send(create.pk) == "succeeded"
    link = buzzin_permit(approved)
    assert (link.buzzin_id, link.status) == (BUZZIN_ID, "SUBMITTED")
    [(_, lookup_args, _)] = [call for call in buzzin_stub.calls if call[0] == "get_permit"]
    assert lookup_args == (approved.reference,)
    assert list(create.attempts.order_by("pk").values_list("outcome", "status_code")) == [
        ("continued", 409),
        ("succeeded", 200),
    ]


def test_409_whose_lookup_fails_transiently_is_retried(approved, buzzin_stub):
    buzzin_stub.script["create_permit"] = [fail(Conflict, "exists", status=409)]
    buzzin_stub.script["get_permit"] = [fail(ServerError, "down", status=500)]
    create, _ = permit_rows(approved)
    assert sender.delivery_send(create.pk) == "retry"
    assert create.attempts.count() == 2


def test_contractor_create_records_the_buzzin_id(buzzin_stub, actor):
    from contractors.services import contractor_approve
    from tests.factories import MembershipFactory

    membership = contractor_approve(actor=actor, membership=MembershipFactory(status="pending"))
    [row] = OutboundDelivery.objects.filter(operation=buzzin_op.CONTRACTOR_CREATE)
    buzzin_stub.script["create_contractor"] = [ok({"_id": BUZZIN_ID, "approved": False}, status=201)]

    assert sender.delivery_send(row.pk) == "succeeded"
    assert buzzin_membership(membership) == (BUZZIN_ID, BuzzinContractorState.PENDING)


def test_permit_create_waits_while_buzzin_has_not_approved_the_contractor(approved, buzzin_stub, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 2
    not_approved = fail(NotFound, "Contractor a0C is not approved in this community", status=404)
    buzzin_stub.script["create_permit"] = [not_approved, not_approved, not_approved, created()]
    create, _ = permit_rows(approved)

    assert [sender.delivery_send(create.pk) for _ in range(3)] == ["wait", "wait", "wait"]
    create.refresh_from_db()
    assert (create.state, create.attempt_count, create.error_kind) == ("pending", 3, "waiting")
    assert "waiting for Buzz-In to approve the contractor" in create.last_error
    assert sender.delivery_send(create.pk) == "succeeded"  # more tries than DELIVERY_MAX_ATTEMPTS: waits are free


def test_waiting_has_a_generous_cap(approved, buzzin_stub, settings):
    settings.DELIVERY_WAIT_MAX_ATTEMPTS = 2
    buzzin_stub.script["create_permit"] = [fail(NotFound, "Contractor not approved", status=404) for _ in range(3)]
    create, _ = permit_rows(approved)
    assert [sender.delivery_send(create.pk) for _ in range(3)] == ["wait", "wait", "failed"]
    create.refresh_from_db()
    assert create.last_error.startswith("Gave up waiting after 2 tries")


def test_permit_create_404_fails_once_buzzin_approved_the_contractor(approved, buzzin_stub):
    membership = ContractorMembership.objects.get(contractor=approved.contractor, community=approved.community)
    set_buzzin_membership(membership, BuzzinContractorState.APPROVED)
    buzzin_stub.script["create_permit"] = [fail(NotFound, "Flat UNIT-0001 not found", status=404)]
    create, _ = permit_rows(approved)
    assert sender.delivery_send(create.pk) == "failed"
    create.refresh_from_db()
    assert (create.error_kind, create.last_error) == ("not_found", "Buzz-In 404: Flat UNIT-0001 not found")


def test_order_is_kept_within_a_permit(
    approved, buzzin_stub, settings, monkeypatch, django_capture_on_commit_callbacks
):
    services.permit_extend(actor=Actor.system("t"), permit=approved, valid_till=in_days(40, hour=14))
    create, submit, update = permit_rows(approved)
    assert update.operation == buzzin_op.PERMIT_UPDATE_VALIDITY
    buzzin_stub.script.update(create_permit=[created()], submit_pass=[ok()], update_permit=[ok()])
    settings.OUTBOX_DISPATCH = True
    dispatched = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args, **options: dispatched.append(args[0]))

    assert sender.delivery_send(submit.pk) == f"skipped: waits for delivery #{create.pk} of buzzin:permit:{approved.pk}"
    assert sender.delivery_send(update.pk).startswith("skipped: waits for")
    assert buzzin_stub.calls == []

    with django_capture_on_commit_callbacks(execute=True):
        assert sender.delivery_send(create.pk) == "succeeded"
    assert dispatched == [submit.pk]  # the earlier one done, the next one goes
    with django_capture_on_commit_callbacks(execute=True):
        assert sender.delivery_send(submit.pk) == "succeeded"
    assert dispatched == [submit.pk, update.pk]
    assert sender.delivery_send(update.pk) == "succeeded"
    assert buzzin_stub.names() == ["create_permit", "submit_pass", "update_permit"]
    assert buzzin_stub.calls[1][1] == (BUZZIN_ID,)


def test_a_failed_row_holds_back_the_rest_of_its_sequence(approved, buzzin_stub):
    buzzin_stub.script["create_permit"] = [fail(BadRequest, "bad", status=400)]
    create, submit = permit_rows(approved)
    sender.delivery_send(create.pk)
    assert sender.delivery_send(submit.pk).startswith("skipped: waits for")


def test_redelivery_of_a_done_row_is_a_no_op(approved, buzzin_stub):
    buzzin_stub.script["create_permit"] = [created()]
    create, _ = permit_rows(approved)
    assert sender.delivery_send(create.pk) == "succeeded"
    attempts = DeliveryAttempt.objects.count()

    assert sender.delivery_send(create.pk) == "skipped: already succeeded"
    assert DeliveryAttempt.objects.count() == attempts
    assert buzzin_stub.names() == ["create_permit"]


def test_a_row_another_worker_is_sending_is_left_alone(approved, buzzin_stub):
    create, _ = permit_rows(approved)
    OutboundDelivery.objects.filter(pk=create.pk).update(state="sending")
    assert sender.delivery_send(create.pk) == "skipped: being sent by another worker"
    assert buzzin_stub.calls == []


def test_an_early_redelivered_task_does_not_send_before_the_backoff(approved, buzzin_stub, settings):
    settings.DELIVERY_BACKOFF_BASE_SECONDS = settings.DELIVERY_BACKOFF_MAX_SECONDS = 3600
    buzzin_stub.script["create_permit"] = [fail(ServerError, "down", status=503)]
    create, _ = permit_rows(approved)
    sender.delivery_send(create.pk)
    create.refresh_from_db()
    if (create.next_attempt_at - create.updated_at).total_seconds() > 2:  # full jitter may pick ~0
        assert sender.delivery_send(create.pk).startswith("skipped: not due before")


def test_pass_moves_without_a_buzzin_id_fail_with_a_clear_reason(buzzin_stub):
    permit = permit_in_status("approved")
    create, submit = permit_rows(permit)
    OutboundDelivery.objects.filter(pk=create.pk).update(state="succeeded")

    assert sender.delivery_send(submit.pk) == "failed"
    submit.refresh_from_db()
    assert submit.error_kind == "missing_id"
    assert "has no Buzz-In id" in submit.last_error
    assert submit.attempts.get().outcome == "failed"


def test_revoke_and_reissue_and_noc_replacement_reach_buzzin(buzzin_stub, actor):
    from tests.factories import pdf_file

    permit = permit_in_status("active")
    link_buzzin_permit(permit, BUZZIN_ID)
    OutboundDelivery.objects.all().update(state="succeeded")
    services.noc_version_upload(
        actor=actor,
        permit=permit,
        noc_number="NOC-2",
        issue_date=permit.valid_from.date() - datetime.timedelta(days=7),
        expiry_date=permit.valid_till.date(),
        file=pdf_file(),
    )
    services.permit_reissue(actor=actor, permit=permit)
    services.permit_revoke(actor=actor, permit=permit, reason="Unsafe scaffolding")
    seen = ok({"accessCode": "CODE1", "integrations": {"damac": {"nocHistory": []}}})
    buzzin_stub.script.update(get_permit=[seen, seen], replace_noc=[ok()], reissue_pass=[ok()], revoke_pass=[ok()])

    for row in OutboundDelivery.objects.filter(subscriber="buzzin", state="pending").order_by("pk"):
        assert sender.delivery_send(row.pk) == "succeeded"
    assert buzzin_stub.names() == ["get_permit", "replace_noc", "get_permit", "reissue_pass", "revoke_pass"]
    noc = buzzin_stub.calls[1][1][1]
    assert (noc["type"], noc["nocNumber"], noc["contentType"]) == ("base64", "NOC-2", "application/pdf")
    assert buzzin_stub.calls[4][1] == (BUZZIN_ID, "Unsafe scaffolding")


def test_a_noc_replacement_or_reissue_that_landed_unanswered_is_not_sent_again(buzzin_stub, actor):
    """Neither call is idempotent at Buzz-In: a try whose answer was lost (worker killed after Buzz-In applied it)
    is found by the next try's lookup, which then sends nothing."""
    from tests.factories import pdf_file

    permit = permit_in_status("active")
    link_buzzin_permit(permit, BUZZIN_ID)
    OutboundDelivery.objects.all().update(state="succeeded")
    services.noc_version_upload(
        actor=actor,
        permit=permit,
        noc_number="NOC-2",
        issue_date=permit.valid_from.date() - datetime.timedelta(days=7),
        expiry_date=permit.valid_till.date(),
        file=pdf_file(),
    )
    services.permit_reissue(actor=actor, permit=permit)
    replace, reissue = OutboundDelivery.objects.filter(subscriber="buzzin", state="pending").order_by("pk")
    before = ok({"accessCode": "CODE1", "integrations": {"damac": {"nocHistory": []}}})
    after = ok({"accessCode": "CODE1", "integrations": {"damac": {"nocHistory": [{"nocNumber": "NOC-1"}]}}})
    buzzin_stub.script.update(get_permit=[before, after], replace_noc=[ok()])
    claim, _ = sender.claim_delivery(replace.pk)
    sender.perform(claim.delivery)  # Buzz-In applied it; the worker died before recording the answer
    OutboundDelivery.objects.filter(pk=replace.pk).update(state="pending")
    assert sender.delivery_send(replace.pk) == "succeeded"

    reissued = ok({"accessCode": "CODE2"})
    buzzin_stub.script.update(get_permit=[before, reissued], reissue_pass=[ok()])
    claim, _ = sender.claim_delivery(reissue.pk)
    sender.perform(claim.delivery)
    OutboundDelivery.objects.filter(pk=reissue.pk).update(state="pending")
    assert sender.delivery_send(reissue.pk) == "succeeded"

    lookup = "get_permit"
    assert buzzin_stub.names() == [lookup, "replace_noc", lookup, lookup, "reissue_pass", lookup]
    assert OutboundDelivery.objects.get(pk=reissue.pk).result["found_applied"] is True
    assert "CODE1" not in str(OutboundDelivery.objects.get(pk=reissue.pk).result)


def test_a_noc_that_went_with_the_create_is_not_replaced_again(buzzin_stub, actor):
    from tests.factories import pdf_file

    permit = permit_in_status("approved")
    services.noc_version_upload(
        actor=actor,
        permit=permit,
        noc_number="NOC-2",
        issue_date=permit.valid_from.date() - datetime.timedelta(days=7),
        expiry_date=permit.valid_till.date(),
        file=pdf_file(),
    )
    create, submit, replace = permit_rows(permit)
    buzzin_stub.script.update(create_permit=[created()], submit_pass=[ok()])
    for row in (create, submit, replace):
        assert sender.delivery_send(row.pk) == "succeeded"
    replace.refresh_from_db()
    assert "already went with the create" in replace.result["skipped"]
    assert buzzin_stub.names() == ["create_permit", "submit_pass"]


def test_unauthorized_is_a_configuration_fault(approved, buzzin_stub):
    from portal.integrations.http import Unauthorized

    buzzin_stub.script["create_permit"] = [fail(Unauthorized, "Missing or invalid API key", status=401)]
    create, _ = permit_rows(approved)
    assert sender.delivery_send(create.pk) == "failed"
    create.refresh_from_db()
    assert create.error_kind == "configuration"


def test_a_vanished_target_fails_the_row(approved, buzzin_stub):
    create, _ = permit_rows(approved)
    OutboundDelivery.objects.filter(pk=create.pk).update(target_id="999999")
    assert sender.delivery_send(create.pk) == "failed"
    create.refresh_from_db()
    assert create.error_kind == "target_missing"


def test_an_unexpected_error_is_retried_then_fails(approved, buzzin_stub, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 2
    buzzin_stub.script["create_permit"] = [RuntimeError("boom"), RuntimeError("boom")]
    create, _ = permit_rows(approved)
    assert [sender.delivery_send(create.pk) for _ in range(2)] == ["retry", "failed"]
    create.refresh_from_db()
    assert create.error_kind == "internal" and "RuntimeError: boom" in create.last_error


def test_secrets_in_an_unexpected_error_are_redacted_everywhere(approved, buzzin_stub, settings, caplog):
    key = "bzk-community-secret-0a1b2c3d"
    set_buzzin_key(approved.community, key)
    buzzin_stub.script["create_permit"] = [RuntimeError(f"connection to https://u:{key}@buzz-in failed")]
    create, _ = permit_rows(approved)

    assert sender.delivery_send(create.pk) == "retry"

    create.refresh_from_db()
    attempt = create.attempts.get()
    assert "[redacted]" in create.last_error and "[redacted]" in attempt.error
    for text in (create.last_error, attempt.error, attempt.request_summary, attempt.response_excerpt, caplog.text):
        assert key not in text
    assert "Traceback" in caplog.text
