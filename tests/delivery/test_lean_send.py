"""The send path in few statements keeps its guarantees: order, row locks, the rows it stores, a redelivery.

A create and a submit of one permit are the bench's pair (``bench/delivery.py``): the statements they cost are
pinned, and what they store is checked literally.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from contractors.models import ContractorMembership
from portal.core.models import AuditEvent
from portal.integrations.buzzin.handlers import load_target
from portal.integrations.buzzin.models import BuzzinContractorState, BuzzinPermit
from portal.integrations.buzzin.records import (
    buzzin_permit_record_id,
    contractor_approved_at_buzzin,
    permit_buzzin_id,
)
from portal.integrations.delivery import sender
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.locking import locked_or_created_row
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    link_buzzin_permit,
    permit_in_status,
    set_buzzin_membership,
)

from .conftest import ok

pytestmark = pytest.mark.django_db
BUZZIN_ID = "6650f0c2a1b2c3d4e5f60718"
# Statements of a create then a submit, each claimed, sent and recorded (the test's transaction adds a savepoint
# pair per transaction of the sender's: two each). Before the lean path: 46.
PAIR_STATEMENTS_CEILING = 38


def rows_of(permit) -> list[OutboundDelivery]:
    return list(OutboundDelivery.objects.filter(target_type="permit", target_id=str(permit.pk)).order_by("pk"))


@pytest.fixture
def approved(buzzin_stub):
    """An approved permit of a company Buzz-In approved, its create and submit rows waiting; Buzz-In accepts both."""
    permit = permit_in_status("approved")
    membership = ContractorMembership.objects.get(contractor=permit.contractor, community=permit.community)
    set_buzzin_membership(membership, BuzzinContractorState.APPROVED)
    buzzin_stub.script.update(create_permit=[ok({"_id": BUZZIN_ID, "status": 10}, status=201)], submit_pass=[ok()])
    return permit


def test_a_create_and_submit_pair_costs_few_statements(approved, buzzin_stub, django_capture_on_commit_callbacks):
    create, submit = rows_of(approved)
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        assert sender.delivery_send(create.pk) == "succeeded"
        assert sender.delivery_send(submit.pk) == "succeeded"
    assert len(queries) <= PAIR_STATEMENTS_CEILING, "\n".join(q["sql"][:160] for q in queries.captured_queries)
    assert buzzin_stub.names() == ["create_permit", "submit_pass"]
    assert buzzin_stub.calls[1][1] == (BUZZIN_ID,)  # the submit found the id the create recorded


def test_the_pair_stores_what_it_always_stored(approved, buzzin_stub):
    create, submit = rows_of(approved)
    assert sender.delivery_send(create.pk) == "succeeded"
    assert sender.delivery_send(submit.pk) == "succeeded"

    for row in rows_of(approved):
        assert (row.state, row.attempt_count, row.last_error, row.error_kind) == ("succeeded", 1, "", "")
        assert row.completed_at is not None and row.next_attempt_at is None
        assert list(row.attempts.values_list("outcome", "status_code", "request_summary", "error")) == [
            ("succeeded", 201 if row.pk == create.pk else 200, "POST /x", "")
        ]
    create.refresh_from_db()
    assert create.result == {"_id": BUZZIN_ID, "status": "DRAFT", "noc_version": 1, "adopted": False}
    link = BuzzinPermit.objects.get(permit=approved)
    assert (link.buzzin_id, link.status, link.event_at) == (BUZZIN_ID, "DRAFT", None)
    recorded = AuditEvent.objects.get(action="integrations.buzzin.permit_recorded", target_id=str(approved.pk))
    assert (recorded.actor_label, recorded.community_id, recorded.target_type) == (
        "partner: Buzz-In",
        approved.community_id,
        "permit",
    )
    assert recorded.data == {"buzzin_id": BUZZIN_ID, "buzzin_status": "DRAFT"}


def test_a_row_behind_an_open_one_is_refused_by_the_claim_and_left_untouched(approved):
    create, submit = rows_of(approved)
    claim, reason = sender.claim_delivery(submit.pk)
    assert claim is None
    assert reason == f"waits for delivery #{create.pk} of buzzin:permit:{approved.pk}"
    submit.refresh_from_db()
    assert (submit.state, submit.attempt_count) == ("pending", 0)

    OutboundDelivery.objects.filter(pk=create.pk).update(state="failed")  # failed is still open: it holds the rest
    assert sender.claim_delivery(submit.pk)[1] == reason
    OutboundDelivery.objects.filter(pk=create.pk).update(state="succeeded")
    claim, reason = sender.claim_delivery(submit.pk)
    assert (claim.delivery.pk, claim.attempt, reason) == (submit.pk, 1, "")


def test_a_row_of_another_sequence_does_not_hold_the_claim(approved):
    create, submit = rows_of(approved)
    OutboundDelivery.objects.filter(pk=create.pk).update(sequence_key="buzzin:permit:other")
    claim, reason = sender.claim_delivery(submit.pk)
    assert claim is not None and reason == ""


@pytest.mark.django_db(transaction=True)
def test_a_row_locked_by_another_worker_is_skipped(approved):
    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("no row locks on this database (SQLite lets one writer in at a time)")
    create, _ = rows_of(approved)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                OutboundDelivery.objects.select_for_update().get(pk=create.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        assert locked.wait(10)
        assert sender.claim_delivery(create.pk) == (None, "locked by another worker, or gone")
    finally:
        release.set()
        worker.join(10)
    create.refresh_from_db()
    assert (create.state, create.attempt_count) == ("pending", 0)


def test_the_record_keeps_what_others_wrote_on_the_row_meanwhile(approved, buzzin_stub):
    """Only the fields an answer settles are written: a hand-over noted while the call was out stays."""
    create, _ = rows_of(approved)
    claim, _ = sender.claim_delivery(create.pk)
    due = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    OutboundDelivery.objects.filter(pk=create.pk).update(dispatched_at=due)
    target, outcome = sender.perform(claim.delivery)
    assert sender.record(claim, target, outcome, claim.delivery.updated_at) == "succeeded"
    create.refresh_from_db()
    assert (create.state, create.dispatched_at) == ("succeeded", due)


def test_the_target_brings_the_communitys_key_for_the_row(approved):
    _, submit = rows_of(approved)
    with CaptureQueriesContext(connection) as queries:
        permit = load_target(submit)
        assert submit.community is permit.community
        assert submit.community.buzzin.api_key == permit.community.buzzin.api_key
        assert permit_buzzin_id(permit) == ""  # read with the permit: no link yet
    assert len(queries) == 1
    link_buzzin_permit(approved, BUZZIN_ID)
    assert permit_buzzin_id(load_target(submit)) == BUZZIN_ID
    assert permit_buzzin_id(approved.pk) == BUZZIN_ID


def test_contractor_approved_at_buzzin_is_this_communitys_standing():
    membership = MembershipFactory()
    elsewhere = MembershipFactory(contractor=membership.contractor, community=CommunityFactory())
    assert not contractor_approved_at_buzzin(membership.contractor_id, membership.community_id)  # never sent
    set_buzzin_membership(elsewhere, BuzzinContractorState.APPROVED)
    set_buzzin_membership(membership, BuzzinContractorState.PENDING)
    assert not contractor_approved_at_buzzin(membership.contractor_id, membership.community_id)
    set_buzzin_membership(membership, BuzzinContractorState.APPROVED)
    assert contractor_approved_at_buzzin(membership.contractor_id, membership.community_id)


def recorded_events(permit) -> int:
    return AuditEvent.objects.filter(action="integrations.buzzin.permit_recorded", target_id=str(permit.pk)).count()


def test_the_link_is_written_once_and_a_redelivered_answer_writes_nothing():
    permit = permit_in_status("draft")  # no link yet (the bench's rows, planned without one)
    assert not BuzzinPermit.objects.filter(permit=permit).exists()
    with CaptureQueriesContext(connection) as queries:
        buzzin_permit_record_id(permit=permit, buzzin_id=BUZZIN_ID, status_name="DRAFT")
    writes = [q["sql"].split()[0] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert writes == ["INSERT", "INSERT"]  # the link with its values, the audit event: no update after
    link = BuzzinPermit.objects.get(permit=permit)
    assert (link.buzzin_id, link.status, recorded_events(permit)) == (BUZZIN_ID, "DRAFT", 1)

    with CaptureQueriesContext(connection) as queries:
        buzzin_permit_record_id(permit=permit, buzzin_id=BUZZIN_ID, status_name="DRAFT")
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert recorded_events(permit) == 1


def test_a_link_made_empty_gets_its_id_and_a_webhooks_status_stays():
    permit = permit_in_status("draft")
    buzzin_permit_record_id(permit=permit, buzzin_id="", status_name="")  # created empty: nothing to tell
    assert recorded_events(permit) == 0
    buzzin_permit_record_id(permit=permit, buzzin_id=BUZZIN_ID, status_name="DRAFT")
    assert recorded_events(permit) == 1
    BuzzinPermit.objects.filter(permit=permit).update(status="ACCEPTED", event_at=datetime.datetime.now(datetime.UTC))
    buzzin_permit_record_id(permit=permit, buzzin_id=BUZZIN_ID, status_name="DRAFT")  # an answer after a webhook
    link = BuzzinPermit.objects.get(permit=permit)
    assert (link.buzzin_id, link.status, recorded_events(permit)) == (BUZZIN_ID, "ACCEPTED", 1)


def test_a_row_created_concurrently_is_read_locked_instead(monkeypatch):
    permit = permit_in_status("draft")
    link_buzzin_permit(permit, BUZZIN_ID, status="DRAFT")
    first, missed = QuerySet.first, []

    def first_misses_once(self):  # the other worker's insert lands between our read and our insert
        if not missed:
            missed.append(True)
            return None
        return first(self)

    monkeypatch.setattr(QuerySet, "first", first_misses_once)
    with transaction.atomic():
        row, created = locked_or_created_row(BuzzinPermit, {"buzzin_id": "other"}, permit_id=permit.pk)
    assert (created, row.buzzin_id, row.status) == (False, BUZZIN_ID, "DRAFT")
    assert BuzzinPermit.objects.get(permit=permit).buzzin_id == BUZZIN_ID
