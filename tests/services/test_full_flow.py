"""Approve once, and the pass and the parking follow: portal → worker → sandboxes → webhook → portal.

Everything is real and on loopback: the live portal, a Celery worker process on the configured
broker, the Buzz-In sandbox (which sends signed webhooks back) and the OPS-COM sandbox.
"""

import datetime

import pytest

from contractors.choices import MembershipStatus
from contractors.services import contractor_approve
from permits import services
from permits.choices import ParkingState, PermitStatus
from permits.models import Permit
from portal.core.actors import Actor
from portal.integrations.buzzin.models import BuzzinContractorState
from portal.integrations.buzzin.records import membership_buzzin_state, permit_buzzin_id
from portal.integrations.delivery.models import OutboundDelivery
from tests.factories import CommunityFactory, MembershipFactory, PermitFactory, VehicleFactory
from tests.stack import wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ACTOR = Actor.system("integration test")


def open_deliveries() -> list:
    return list(OutboundDelivery.objects.exclude(state="succeeded").values("id", "operation", "state", "last_error"))


def approved_contractor_permit(stack, vehicles: int = 2) -> Permit:
    community = CommunityFactory(buzzin__api_key="integration-key-a", parking_zone="ZONE-A")
    membership = MembershipFactory(community=community, status=MembershipStatus.PENDING)
    permit = PermitFactory(community=community, contractor=membership.contractor)
    for _ in range(vehicles):
        VehicleFactory(permit=permit)
    stack.sync_catalogue()
    contractor_approve(actor=ACTOR, membership=membership)
    wait_until(
        lambda: membership_buzzin_state(membership.pk) == BuzzinContractorState.APPROVED,
        message="Buzz-In to approve the contractor and say so by webhook",
    )
    return services.permit_submit(actor=ACTOR, permit=permit)


def test_approval_produces_a_pass_and_parking_then_extension_and_revocation_follow(stack, worker):
    permit = approved_contractor_permit(stack, vehicles=2)
    services.permit_approve(actor=ACTOR, permit=permit)

    permit = wait_until(
        lambda: Permit.objects.filter(pk=permit.pk, status=PermitStatus.ACTIVE).first(),
        timeout=45,
        message=f"the permit to become active (open deliveries: {open_deliveries()})",
    )
    remote = next(p for p in stack.buzzin_state()["permits"] if p["salesforcePermitId"] == permit.reference)
    assert remote["statusName"] == "ACCEPTED"
    assert (permit_buzzin_id(permit), permit.pass_number, permit.access_code) == (
        remote["_id"],
        remote["passNumber"],
        remote["accessCode"],
    )
    assert permit.qr_image.read().startswith(b"\x89PNG")

    wait_until(
        lambda: not permit.vehicles.exclude(parking_state=ParkingState.ACTIVE).exists(),
        message=f"both parking permits (open deliveries: {open_deliveries()})",
    )
    parking = stack.opscom_state()["permits"]
    plates = set(permit.vehicles.values_list("plate", flat=True))
    assert {p["plate"] for p in parking.values()} == plates
    local_end = permit.valid_till.astimezone(permit.community.tzinfo).strftime("%Y-%m-%dT%H:%M:%S")
    assert {(p["zone"], p["endTime"]) for p in parking.values()} == {("ZONE-A", local_end)}

    new_till = permit.valid_till + datetime.timedelta(days=3)
    services.permit_extend(actor=ACTOR, permit=permit, valid_till=new_till)
    new_end = new_till.astimezone(permit.community.tzinfo).strftime("%Y-%m-%dT%H:%M:%S")
    wait_until(
        lambda: {p["endTime"] for p in stack.opscom_state()["permits"].values()} == {new_end},
        message="the parking permits to move their end",
    )
    remote = next(p for p in stack.buzzin_state()["permits"] if p["_id"] == permit_buzzin_id(permit))
    assert remote["validTill"].startswith(new_till.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M"))

    services.permit_revoke(actor=ACTOR, permit=permit, reason="Safety breach on site.")
    wait_until(lambda: not stack.opscom_state()["permits"], message="the parking permits to be deleted")
    wait_until(
        lambda: (
            next(p for p in stack.buzzin_state()["permits"] if p["_id"] == permit_buzzin_id(permit))["statusName"]
            == "REVOKED"
        ),
        message="the pass to be revoked at Buzz-In",
    )
    assert stack.buzzin_stats()["duplicateAppliedKeys"] == []
    assert stack.opscom_stats()["duplicateIdempotencyKeys"] == {}
