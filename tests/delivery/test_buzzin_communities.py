"""One company in several communities at Buzz-In, against scripted answers: one Buzz-In id per company,
a join by approve with each community's own key, one order per company, the 409 an admin must act on."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from contractors.choices import MembershipStatus
from contractors.services import contractor_approve
from permits.services import contractor_revoke
from portal.core.actors import Actor
from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.buzzin import subscriber as buzzin_subscriber
from portal.integrations.buzzin.handlers import EMAIL_TAKEN
from portal.integrations.buzzin.models import BuzzinContractorState
from portal.integrations.buzzin.records import buzzin_membership_record
from portal.integrations.delivery import sender
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.http import Conflict, NotFound, PartnerTimeout
from tests.factories import (
    CommunityFactory,
    ContractorFactory,
    MembershipFactory,
    buzzin_membership,
    permit_in_status,
    set_buzzin_membership,
)

from .conftest import ScriptedClient, fail, ok

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
COMPANY_ID = "6650f0c2a1b2c3d4e5f60718"


@pytest.fixture
def buzzin(monkeypatch) -> ScriptedClient:
    """Scripted Buzz-In that also remembers whose key each call was made with (``stub.keys``)."""
    stub = ScriptedClient()
    stub.keys = []

    def client_for(community):
        stub.keys.append(community.buzzin.api_key)
        return stub

    monkeypatch.setattr(buzzin_subscriber, "buzzin_client", client_for)
    return stub


@pytest.fixture
def company():
    return ContractorFactory(email="omar@alnoor.example")


def pending_in(company, key: str):
    return MembershipFactory(
        contractor=company, community=CommunityFactory(buzzin__api_key=key), status=MembershipStatus.PENDING
    )


def rows(operation: str = buzzin_op.CONTRACTOR_CREATE) -> list[OutboundDelivery]:
    return list(OutboundDelivery.objects.filter(subscriber="buzzin", operation=operation).order_by("pk"))


def created(approved: bool = False):
    return ok({"_id": COMPANY_ID, "approved": approved, "communitiesIds": ["c1"]}, status=201)


def test_a_companys_rows_share_one_sequence_whatever_the_community(company):
    first = contractor_approve(actor=ACTOR, membership=pending_in(company, "key-hills"))
    second = contractor_approve(actor=ACTOR, membership=pending_in(company, "key-palm"))
    contractor_revoke(actor=ACTOR, membership=first, reason="Left the site.")

    keys = set(OutboundDelivery.objects.filter(subscriber="buzzin").values_list("sequence_key", flat=True))
    assert keys == {f"buzzin:contractor:{company.pk}"}
    assert [(row.operation, row.target_id) for row in OutboundDelivery.objects.order_by("pk")] == [
        (buzzin_op.CONTRACTOR_CREATE, str(first.pk)),
        (buzzin_op.CONTRACTOR_CREATE, str(second.pk)),
        (buzzin_op.CONTRACTOR_REVOKE, str(first.pk)),
    ]


def test_approved_again_before_the_revoke_went_the_company_joins_again_after_it(buzzin, company):
    """Found by the fault script: the approval planned nothing while the revoke was still on its way, and
    Buzz-In kept the company removed."""
    membership = contractor_approve(actor=ACTOR, membership=pending_in(company, "key-hills"))
    (create,) = rows()
    buzzin.script["create_contractor"] = [created(approved=True)]
    assert sender.delivery_send(create.pk) == "succeeded"
    contractor_revoke(actor=ACTOR, membership=membership, reason="Left the site.")
    membership.refresh_from_db()
    contractor_approve(actor=ACTOR, membership=membership)

    (revoke,) = rows(buzzin_op.CONTRACTOR_REVOKE)
    _, join = rows()
    assert revoke.pk < join.pk
    buzzin.script.update(revoke_contractor=[ok({"_id": COMPANY_ID})], approve_contractor=[ok({"_id": COMPANY_ID})])
    assert sender.delivery_send(revoke.pk) == "succeeded"
    assert sender.delivery_send(join.pk) == "succeeded"
    assert buzzin.names() == ["create_contractor", "revoke_contractor", "approve_contractor"]
    assert buzzin_membership(membership) == (COMPANY_ID, BuzzinContractorState.APPROVED)


def test_the_second_community_waits_for_the_first_create_then_joins_by_approve_with_its_own_key(buzzin, company):
    hills = contractor_approve(actor=ACTOR, membership=pending_in(company, "key-hills"))
    palm = contractor_approve(actor=ACTOR, membership=pending_in(company, "key-palm"))
    create, join = rows()

    assert sender.delivery_send(join.pk) == f"skipped: waits for delivery #{create.pk} of {create.sequence_key}"
    buzzin.script["create_contractor"] = [created()]
    assert sender.delivery_send(create.pk) == "succeeded"
    buzzin.script["approve_contractor"] = [ok({"_id": COMPANY_ID, "approved": True})]
    assert sender.delivery_send(join.pk) == "succeeded"

    assert buzzin.names() == ["create_contractor", "approve_contractor"]
    assert buzzin.keys == ["key-hills", "key-palm"]
    assert buzzin.calls[1][1] == (COMPANY_ID,)
    assert buzzin_membership(hills) == (COMPANY_ID, BuzzinContractorState.PENDING)  # Buzz-In's admin approves
    assert buzzin_membership(palm) == (COMPANY_ID, BuzzinContractorState.APPROVED)  # approved by its manager


def test_revoking_in_one_community_detaches_only_that_one(buzzin, company):
    hills, palm = pending_in(company, "key-hills"), pending_in(company, "key-palm")
    for membership in (hills, palm):
        set_buzzin_membership(membership, BuzzinContractorState.APPROVED, buzzin_id=COMPANY_ID)
        membership.status = MembershipStatus.APPROVED
        membership.save()
    contractor_revoke(actor=ACTOR, membership=palm, reason="Left the site.")
    [revoke] = rows(buzzin_op.CONTRACTOR_REVOKE)
    buzzin.script["revoke_contractor"] = [ok({"_id": COMPANY_ID, "approved": False})]

    assert sender.delivery_send(revoke.pk) == "succeeded"

    assert (buzzin.names(), buzzin.keys, buzzin.calls[0][1]) == (["revoke_contractor"], ["key-palm"], (COMPANY_ID,))
    assert buzzin_membership(palm)[1] == BuzzinContractorState.REMOVED
    assert buzzin_membership(hills)[1] == BuzzinContractorState.APPROVED


def test_a_409_for_an_email_this_portal_never_registered_fails_with_what_to_do(buzzin, company):
    membership = contractor_approve(actor=ACTOR, membership=pending_in(company, "key-hills"))
    [row] = rows()
    buzzin.script["create_contractor"] = [fail(Conflict, "A contractor with email omar@alnoor.example exists", 409)]

    assert sender.delivery_send(row.pk) == "failed"

    row.refresh_from_db()
    assert (row.state, row.error_kind) == ("failed", "conflict")
    assert row.last_error.startswith(f"{EMAIL_TAKEN} (omar@alnoor.example).")
    assert "Buzz-In 409: A contractor with email omar@alnoor.example exists" in row.last_error
    assert buzzin_membership(membership) == ("", BuzzinContractorState.PENDING)


def test_a_409_after_a_lost_answer_waits_for_the_id_then_joins_with_it(buzzin, company):
    membership = contractor_approve(actor=ACTOR, membership=pending_in(company, "key-hills"))
    [row] = rows()
    buzzin.script["create_contractor"] = [
        fail(PartnerTimeout, "timeout: read timed out"),  # Buzz-In created it, the answer was lost
        fail(Conflict, "A contractor with email omar@alnoor.example exists", 409),
    ]

    assert [sender.delivery_send(row.pk) for _ in range(2)] == ["retry", "wait"]
    row.refresh_from_db()
    assert row.error_kind == "waiting" and "communityContractors.approved" in row.last_error
    assert EMAIL_TAKEN in row.last_error  # what to do if the id never comes

    # communityContractors.approved brings the id (the webhook handler records it like this)
    buzzin_membership_record(membership=membership, buzzin_id=COMPANY_ID, state=BuzzinContractorState.APPROVED)
    buzzin.script["approve_contractor"] = [ok({"_id": COMPANY_ID, "approved": True})]
    assert sender.delivery_send(row.pk) == "succeeded"
    assert buzzin.names() == ["create_contractor", "create_contractor", "approve_contractor"]


def test_open_rows_of_the_old_membership_sequence_move_to_their_company(company):
    migration = importlib.import_module("portal.integrations.migrations.0008_buzzin_contractor_sequences")
    hills = contractor_approve(actor=ACTOR, membership=pending_in(company, "key-hills"))
    palm = contractor_approve(actor=ACTOR, membership=pending_in(company, "key-palm"))
    first, second = rows()
    OutboundDelivery.objects.filter(pk=first.pk).update(sequence_key=f"buzzin:membership:{hills.pk}", state="succeeded")
    OutboundDelivery.objects.filter(pk=second.pk).update(sequence_key=f"buzzin:membership:{palm.pk}")

    migration.company_sequences(apps, None)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.sequence_key == f"buzzin:membership:{hills.pk}"  # done: left as it was sent
    assert second.sequence_key == f"buzzin:contractor:{company.pk}"


def test_a_permit_create_refused_before_the_join_landed_waits_instead_of_failing(monkeypatch):
    """The permit's create and the community's join run side by side: Buzz-In's 404 answered before the join
    counts, even when the join's approval is recorded while that call is under way."""
    permit = permit_in_status("approved")
    membership = permit.contractor.memberships.get(community=permit.community)
    set_buzzin_membership(membership, BuzzinContractorState.PENDING, buzzin_id=COMPANY_ID)

    class JoinLandsDuringTheCall:
        def create_permit(self, body, idempotency_key=None):
            buzzin_membership_record(membership=membership, state=BuzzinContractorState.APPROVED)
            raise fail(NotFound, "Contractor a0B5 is not approved in this community", 404)

    monkeypatch.setattr(buzzin_subscriber, "buzzin_client", lambda community: JoinLandsDuringTheCall())
    [create] = rows(buzzin_op.PERMIT_CREATE)

    assert sender.delivery_send(create.pk) == "wait"
