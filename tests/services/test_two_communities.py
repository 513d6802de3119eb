"""One company working in two communities, end to end on loopback: the live portal, a real Celery worker,
the Buzz-In sandbox with one key per community sending signed webhooks back.

Buzz-In keeps one contractor per e-mail: the first community creates it, the second joins it by approve with
its own key; permits and passes follow in both; revoking the company in one community archives that
community's permits only, and the other community's pass still opens the gate.
"""

import datetime

import pytest
import requests

from contractors.choices import MembershipStatus
from contractors.services import contractor_approve
from permits import services
from permits.choices import PermitStatus
from permits.models import Permit
from portal.core.actors import Actor
from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.buzzin.client import BuzzinClient
from portal.integrations.buzzin.handlers import EMAIL_TAKEN
from portal.integrations.buzzin.models import BuzzinContractorState
from portal.integrations.buzzin.records import contractor_buzzin_id, membership_buzzin_state
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.models import InboundEvent, InboundEventState
from tests.factories import CommunityFactory, ContractorFactory, MembershipFactory, PermitFactory
from tests.stack import wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ACTOR = Actor.system("integration test")


def open_deliveries() -> list:
    return list(OutboundDelivery.objects.exclude(state="succeeded").values("id", "operation", "state", "last_error"))


def remote_permit(stack, permit: Permit) -> dict:
    return next(p for p in stack.buzzin_state()["permits"] if p["salesforcePermitId"] == permit.reference)


def gate_scan(stack, permit: Permit, access_code: str):
    """A scan at Buzz-In's gate inside the permit's window (the sandbox's control API)."""
    at = (permit.valid_from + datetime.timedelta(hours=6)).astimezone(datetime.UTC)
    body = {"accessCode": access_code, "scannedAt": at.strftime("%Y-%m-%dT%H:%M:%S.000Z")}
    url = f"{stack.buzzin.url}/_sandbox/permits/{remote_permit(stack, permit)['_id']}/scan"
    return requests.post(url, json=body, timeout=5)


def test_one_company_gets_passes_in_two_communities_and_a_revoke_in_one_leaves_the_other(stack, worker):
    hills = CommunityFactory(name="DAMAC Hills", buzzin__api_key="e2e-key-hills", parking_zone="ZONE-A")
    palm = CommunityFactory(name="Palm Gardens", buzzin__api_key="e2e-key-palm", parking_zone="ZONE-B")
    company = ContractorFactory(company_name="Al Noor Interiors LLC", email="omar@alnoor.example")
    memberships = {
        c: MembershipFactory(contractor=company, community=c, status=MembershipStatus.PENDING) for c in (hills, palm)
    }
    permits = {c: PermitFactory(community=c, contractor=company) for c in (hills, palm)}
    stack.sync_catalogue()

    for membership in memberships.values():  # back to back: the second community's join waits for the create
        contractor_approve(actor=ACTOR, membership=membership)
    wait_until(
        lambda: all(membership_buzzin_state(m.pk) == BuzzinContractorState.APPROVED for m in memberships.values()),
        message=f"Buzz-In to approve the company in both communities (open deliveries: {open_deliveries()})",
    )
    [remote_company] = stack.buzzin_state()["contractors"]
    assert contractor_buzzin_id(company.pk) == remote_company["_id"]
    assert remote_company["communities"] == {hills.buzzin.buzzin_id: "approved", palm.buzzin.buzzin_id: "approved"}
    stats = stack.buzzin_stats()["operations"]
    assert (stats["createContractor"]["applied"], stats["contractorAction.approve"]["applied"]) == (1, 1)

    for permit in permits.values():
        services.permit_approve(actor=ACTOR, permit=services.permit_submit(actor=ACTOR, permit=permit))
    for community, permit in permits.items():
        permits[community] = wait_until(
            lambda permit=permit: Permit.objects.filter(pk=permit.pk, status=PermitStatus.ACTIVE).first(),
            message=f"the pass in {community} (open deliveries: {open_deliveries()})",
        )
        remote = remote_permit(stack, permits[community])
        assert (remote["communityId"], remote["communityContractorId"], remote["statusName"]) == (
            community.buzzin.buzzin_id,
            remote_company["_id"],
            "ACCEPTED",
        )
        assert permits[community].access_code == remote["accessCode"]

    services.contractor_revoke(actor=ACTOR, membership=memberships[palm], reason="Left the site.")

    wait_until(
        lambda: remote_permit(stack, permits[palm])["statusName"] == "ARCHIVED",
        message=f"Palm Gardens' permit archived at Buzz-In (open deliveries: {open_deliveries()})",
    )
    wait_until(
        lambda: InboundEvent.objects.filter(
            event="communityContractors.removed", state__in=[InboundEventState.PROCESSED, InboundEventState.IGNORED]
        ).exists(),
        message="Buzz-In's communityContractors.removed to be applied",
    )
    assert Permit.objects.get(pk=permits[palm].pk).status == PermitStatus.ARCHIVED
    assert membership_buzzin_state(memberships[palm].pk) == BuzzinContractorState.REMOVED
    assert [c["communities"] for c in stack.buzzin_state()["contractors"]] == [
        {hills.buzzin.buzzin_id: "approved", palm.buzzin.buzzin_id: "removed"}
    ]
    # DAMAC Hills is untouched: the membership, the permit, the pass and the gate.
    memberships[hills].refresh_from_db()
    assert memberships[hills].status == MembershipStatus.APPROVED
    assert membership_buzzin_state(memberships[hills].pk) == BuzzinContractorState.APPROVED
    hills_permit = Permit.objects.get(pk=permits[hills].pk)
    assert (hills_permit.status, hills_permit.access_code) == (PermitStatus.ACTIVE, permits[hills].access_code)
    assert remote_permit(stack, hills_permit)["statusName"] == "ACCEPTED"
    assert gate_scan(stack, hills_permit, hills_permit.access_code).status_code == 200
    assert gate_scan(stack, permits[palm], permits[palm].access_code).status_code == 400
    assert stack.buzzin_stats()["duplicateAppliedKeys"] == []


def test_an_email_buzzin_got_from_elsewhere_fails_the_create_with_what_to_do(stack, worker):
    community = CommunityFactory(buzzin__api_key="e2e-key-conflict")
    membership = MembershipFactory(
        community=community, status=MembershipStatus.PENDING, contractor__email="desk@taken.example"
    )
    stack.sync_catalogue()
    outside = BuzzinClient(stack.buzzin.url, "e2e-key-conflict")  # registered at Buzz-In, not by this portal
    outside.create_contractor(
        {"name": "Someone", "email": "desk@taken.example", "phone": "+971509998877", "company": {"companyName": "X"}}
    )

    contractor_approve(actor=ACTOR, membership=membership)

    row = wait_until(
        lambda: OutboundDelivery.objects.filter(operation=buzzin_op.CONTRACTOR_CREATE, state="failed").first(),
        message=f"the create to fail (open deliveries: {open_deliveries()})",
    )
    assert row.last_error.startswith(f"{EMAIL_TAKEN} (desk@taken.example).")
    assert "Buzz-In 409" in row.last_error and row.attempt_count == 1
    assert contractor_buzzin_id(membership.contractor_id) == ""
    assert membership_buzzin_state(membership.pk) == BuzzinContractorState.PENDING
