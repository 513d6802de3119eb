"""Every event type, delivered signed through the endpoint, and its effect on the permit or contractor."""

import datetime

import pytest
from django.core import mail

from contractors.choices import MembershipStatus
from permits.choices import PermitStatus, ScanDirection, ScanKind
from permits.models import GateScan
from portal.core.models import AuditEvent
from portal.integrations.buzzin.ids import derived_object_id
from portal.integrations.buzzin.models import BuzzinContractorState, BuzzinMembership
from portal.integrations.buzzin.records import permit_buzzin_id
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.models import InboundEvent, InboundEventState
from tests.delivery.drain import drain_outbox
from tests.factories import (
    PNG_BYTES,
    CommunityFactory,
    ContractorUserFactory,
    MembershipFactory,
    StaffMembershipFactory,
    buzzin_membership,
    buzzin_permit,
    permit_in_status,
    set_buzzin_membership,
)

from . import payloads
from .conftest import with_buzzin_id

pytestmark = pytest.mark.django_db


def deliveries(permit_or_vehicles, operation, subscriber="opscom"):
    targets = permit_or_vehicles if isinstance(permit_or_vehicles, list) else [permit_or_vehicles]
    return OutboundDelivery.objects.filter(
        subscriber=subscriber,
        operation=operation,
        target_type=targets[0]._meta.model_name,
        target_id__in=[str(t.pk) for t in targets],
    )


def state_of(body):
    return InboundEvent.objects.get(event_id=body["id"]).state


def state_at_buzzin(membership) -> str:
    return buzzin_membership(membership)[1]


def test_issued_activates_with_pass_fields_qr_image_and_parking(deliver, approved_permit):
    vehicle = approved_permit.vehicles.get()
    data = payloads.issued_data(approved_permit)
    body = payloads.permit_event("passes.permits.issued", approved_permit, data)

    assert deliver(body).status_code == 200

    permit = approved_permit
    permit.refresh_from_db()
    assert permit.status == PermitStatus.ACTIVE
    assert permit.pass_number == "WP-002391"
    assert permit.access_code == "7H2KQ9ZTM4XB1RPA8VC0DLEN"
    assert permit.pass_documentation_url == data["permitDocumentationUrl"]
    assert buzzin_permit(permit).status == "ACCEPTED"
    assert buzzin_permit(permit).event_at is not None
    with permit.qr_image.open("rb") as image:
        assert image.read() == PNG_BYTES
    assert deliveries(vehicle, "parking.push").count() == 1
    assert state_of(body) == InboundEventState.PROCESSED
    assert AuditEvent.objects.filter(action="permits.permit.activated", target_id=str(permit.pk)).count() == 1


def test_issued_found_by_reference_stores_the_buzzin_id(deliver, db):
    permit = permit_in_status("approved")
    data = payloads.issued_data(permit, permitId=payloads.object_id())
    deliver(payloads.permit_event("passes.permits.issued", permit, data))

    permit.refresh_from_db()
    assert permit.status == PermitStatus.ACTIVE
    assert permit_buzzin_id(permit) == data["permitId"]


def test_issued_with_only_ids_still_activates(deliver, approved_permit):
    body = payloads.permit_event(
        "passes.permits.issued", approved_permit, {"permitId": permit_buzzin_id(approved_permit)}
    )
    deliver(body)

    approved_permit.refresh_from_db()
    assert approved_permit.status == PermitStatus.ACTIVE
    assert not approved_permit.qr_image


def test_issued_with_a_broken_image_activates_without_it(deliver, approved_permit):
    data = payloads.issued_data(approved_permit, qrImageBase64="%%% not base64 %%%")
    deliver(payloads.permit_event("passes.permits.issued", approved_permit, data))

    approved_permit.refresh_from_db()
    assert approved_permit.status == PermitStatus.ACTIVE
    assert not approved_permit.qr_image


def test_reissue_on_an_active_permit_updates_the_code(deliver, active_permit):
    vehicle = active_permit.vehicles.get()
    data = payloads.issued_data(active_permit, accessCode="NEWCODE00000000000000000")
    deliver(payloads.permit_event("passes.permits.issued", active_permit, data))

    active_permit.refresh_from_db()
    assert active_permit.status == PermitStatus.ACTIVE
    assert active_permit.access_code == "NEWCODE00000000000000000"
    assert AuditEvent.objects.filter(action="permits.pass.reissued", target_id=str(active_permit.pk)).exists()
    assert deliveries(vehicle, "parking.push").count() == 1  # only the one from the first issue


def test_issued_for_a_permit_not_yet_approved_fails_visibly(deliver, db):
    permit = with_buzzin_id(permit_in_status("submitted"))
    body = payloads.permit_event("passes.permits.issued", permit, payloads.issued_data(permit))
    assert deliver(body).status_code == 200

    inbound = InboundEvent.objects.get()
    assert inbound.state == InboundEventState.FAILED
    assert "cannot be activated" in inbound.error
    permit.refresh_from_db()
    assert permit.status == PermitStatus.SUBMITTED


def test_updated_applies_validity_without_echo_and_parking_follows(deliver, active_permit):
    vehicle = active_permit.vehicles.get()
    new_till = active_permit.valid_till + datetime.timedelta(days=10)
    data = payloads.updated_data(active_permit, validTill=payloads.iso(new_till))
    body = payloads.permit_event("passes.permits.updated", active_permit, data)

    deliver(body)

    active_permit.refresh_from_db()
    assert active_permit.valid_till == new_till.replace(microsecond=0)
    assert active_permit.status == PermitStatus.ACTIVE
    assert deliveries(vehicle, "parking.update").count() == 1
    assert not deliveries(active_permit, "permit.update_validity", subscriber="buzzin").exists()
    assert state_of(body) == InboundEventState.PROCESSED


def test_updated_moving_the_start_pushes_parking_again(deliver, active_permit):
    vehicle = active_permit.vehicles.get()
    new_from = active_permit.valid_from + datetime.timedelta(days=1)
    deliver(
        payloads.permit_event(
            "passes.permits.updated",
            active_permit,
            payloads.updated_data(active_permit, validFrom=payloads.iso(new_from)),
        )
    )

    active_permit.refresh_from_db()
    assert active_permit.valid_from == new_from
    assert deliveries(vehicle, "parking.delete").count() == 1
    assert deliveries(vehicle, "parking.push").count() == 2


def test_updated_with_the_same_validity_changes_nothing(deliver, active_permit):
    body = payloads.permit_event("passes.permits.updated", active_permit, payloads.updated_data(active_permit))
    deliver(body)

    assert InboundEvent.objects.get().result == "nothing to change"
    assert state_of(body) == InboundEventState.IGNORED
    assert not deliveries(active_permit.vehicles.get(), "parking.update").exists()


def test_updated_archived_archives_the_permit(deliver, active_permit):
    vehicle = active_permit.vehicles.get()
    body = payloads.permit_event(
        "passes.permits.updated", active_permit, payloads.dead_pass_data(active_permit, "ARCHIVED")
    )
    deliver(body)

    active_permit.refresh_from_db()
    assert active_permit.status == PermitStatus.ARCHIVED
    assert buzzin_permit(active_permit).status == "ARCHIVED"
    assert deliveries(vehicle, "parking.delete").count() == 1
    assert state_of(body) == InboundEventState.PROCESSED


def test_updated_revoked_revokes_without_echo(deliver, active_permit):
    data = payloads.dead_pass_data(active_permit, "REVOKED", reason="Safety breach at gate 2")
    deliver(payloads.permit_event("passes.permits.updated", active_permit, data))

    active_permit.refresh_from_db()
    assert active_permit.status == PermitStatus.REVOKED
    assert active_permit.revocation_reason == "Safety breach at gate 2"
    assert not deliveries(active_permit, "pass.revoke", subscriber="buzzin").exists()
    assert deliveries(active_permit.vehicles.get(), "parking.delete").count() == 1


def test_updated_revoked_on_a_revoked_permit_changes_nothing(deliver, db):
    permit = with_buzzin_id(permit_in_status("revoked"))
    body = payloads.permit_event("passes.permits.updated", permit, payloads.dead_pass_data(permit, "REVOKED"))
    deliver(body)

    permit.refresh_from_db()
    assert permit.status == PermitStatus.REVOKED
    assert state_of(body) == InboundEventState.IGNORED


def test_expiring_mails_contractor_users_and_managers_once(deliver, active_permit):
    contractor_user = ContractorUserFactory(contractor=active_permit.contractor).user
    manager = StaffMembershipFactory(community=active_permit.community).user
    StaffMembershipFactory()  # a manager of another community hears nothing
    first = payloads.permit_event("passes.permits.expiring", active_permit, payloads.validity_data(active_permit))

    deliver(first)
    drain_outbox("notify")

    assert sorted(message.to[0] for message in mail.outbox) == sorted([contractor_user.email, manager.email])
    for message in mail.outbox:
        assert active_permit.reference in message.subject
        assert active_permit.reference in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert active_permit.reference in html
    assert state_of(first) == InboundEventState.PROCESSED

    again = payloads.permit_event("passes.permits.expiring", active_permit, payloads.validity_data(active_permit))
    deliver(again)
    deliver(first)
    drain_outbox("notify")

    assert len(mail.outbox) == 2
    assert state_of(again) == InboundEventState.IGNORED


def test_expiring_for_an_expired_permit_sends_nothing(deliver, db):
    permit = with_buzzin_id(permit_in_status("expired"))
    ContractorUserFactory(contractor=permit.contractor)
    deliver(payloads.permit_event("passes.permits.expiring", permit, payloads.validity_data(permit)))
    drain_outbox("notify")

    assert mail.outbox == []


def test_expired_expires_the_permit_and_deletes_parking(deliver, active_permit):
    body = payloads.permit_event("passes.permits.expired", active_permit, payloads.validity_data(active_permit))
    deliver(body)

    active_permit.refresh_from_db()
    assert active_permit.status == PermitStatus.EXPIRED
    assert deliveries(active_permit.vehicles.get(), "parking.delete").count() == 1
    assert state_of(body) == InboundEventState.PROCESSED


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        ("passes.permits.scanned", ScanKind.SCANNED),
        ("passes.permits.firstScanned", ScanKind.FIRST),
        ("passes.permits.lastScanned", ScanKind.LAST),
    ],
)
def test_scan_events_record_a_gate_scan(deliver, active_permit, event, kind):
    scanned_at = payloads.ago(3600).replace(microsecond=0)
    body = payloads.permit_event(event, active_permit, payloads.scan_data(active_permit, scanned_at, gate="Gate 3"))

    deliver(body)

    scan = GateScan.objects.get()
    assert (scan.permit_id, scan.event_id, scan.kind) == (active_permit.pk, body["id"], kind)
    assert (scan.scanned_at, scan.direction, scan.gate, scan.employee_name) == (
        scanned_at,
        ScanDirection.ENTRY,
        "Gate 3",
        "Ravi Kumar",
    )
    active_permit.refresh_from_db()
    assert active_permit.work_started_at == scanned_at


def test_first_scan_sets_work_start_once(deliver, active_permit):
    first_at = payloads.ago(7200).replace(microsecond=0)
    later_at = payloads.ago(600).replace(microsecond=0)
    deliver(payloads.permit_event("passes.permits.scanned", active_permit, payloads.scan_data(active_permit, later_at)))
    deliver(
        payloads.permit_event(
            "passes.permits.firstScanned", active_permit, payloads.scan_data(active_permit, first_at, direction="exit")
        )
    )
    deliver(payloads.permit_event("passes.permits.scanned", active_permit, payloads.scan_data(active_permit, later_at)))

    active_permit.refresh_from_db()
    assert active_permit.work_started_at == first_at
    assert GateScan.objects.filter(permit=active_permit).count() == 3


def test_scan_without_optional_fields(deliver, active_permit):
    body = payloads.permit_event("passes.permits.scanned", active_permit, {"permitId": permit_buzzin_id(active_permit)})
    deliver(body)

    scan = GateScan.objects.get()
    assert scan.direction == ScanDirection.UNKNOWN
    assert (scan.gate, scan.employee_name) == ("", "")
    assert scan.scanned_at == InboundEvent.objects.get().created_at_remote


@pytest.fixture
def pending_membership(db):
    membership = MembershipFactory()
    set_buzzin_membership(membership, BuzzinContractorState.PENDING)
    return membership


def test_contractor_approved_stores_state_and_buzzin_id(deliver, pending_membership):
    buzzin_id = payloads.object_id()
    body = payloads.envelope(
        "communityContractors.approved",
        payloads.contractor_data(pending_membership, buzzin_id),
        community_id=pending_membership.community.buzzin.buzzin_id,
    )
    deliver(body)

    pending_membership.refresh_from_db()
    assert buzzin_membership(pending_membership) == (buzzin_id, BuzzinContractorState.APPROVED)
    assert BuzzinMembership.objects.get(membership=pending_membership).event_at is not None
    assert pending_membership.status == MembershipStatus.APPROVED
    assert state_of(body) == InboundEventState.PROCESSED


def test_contractor_approved_in_an_unknown_community_is_refused(deliver, pending_membership):
    body = payloads.envelope(
        "communityContractors.approved",
        payloads.contractor_data(pending_membership),
        community_id="ffffffffffffffffffffffff",
    )
    deliver(body)

    assert state_at_buzzin(pending_membership) == BuzzinContractorState.PENDING
    assert state_of(body) == InboundEventState.REFUSED


def test_contractor_approved_without_a_community_is_not_guessed_among_several(deliver, pending_membership):
    other = MembershipFactory(contractor=pending_membership.contractor)
    set_buzzin_membership(other, BuzzinContractorState.PENDING)
    deliver(payloads.envelope("communityContractors.approved", payloads.contractor_data(pending_membership)))

    assert state_at_buzzin(pending_membership) == state_at_buzzin(other) == BuzzinContractorState.PENDING


def test_contractor_approved_in_a_community_known_by_its_derived_id(deliver, db):
    membership = MembershipFactory(community=CommunityFactory(buzzin=False))
    other = MembershipFactory(contractor=membership.contractor)
    body = payloads.envelope(
        "communityContractors.approved",
        payloads.contractor_data(membership),
        community_id=derived_object_id("community", membership.community.pk),
    )
    deliver(body)

    assert state_at_buzzin(membership) == BuzzinContractorState.APPROVED
    assert state_at_buzzin(other) == BuzzinContractorState.NOT_SENT


def test_contractor_approved_in_another_known_community_is_not_applied(deliver, pending_membership):
    other = MembershipFactory(contractor=pending_membership.contractor)
    body = payloads.envelope(
        "communityContractors.approved",
        payloads.contractor_data(pending_membership),
        community_id=other.community.buzzin.buzzin_id,
    )
    deliver(body)

    assert state_at_buzzin(pending_membership) == BuzzinContractorState.PENDING
    assert state_at_buzzin(other) == BuzzinContractorState.APPROVED


def test_contractor_removed_revokes_it_and_archives_its_permits(deliver, active_permit):
    membership = active_permit.contractor.memberships.get(community=active_permit.community)
    body = payloads.envelope(
        "communityContractors.removed",
        payloads.contractor_data(membership),
        community_id=active_permit.community.buzzin.buzzin_id,
    )
    deliver(body)

    membership.refresh_from_db()
    active_permit.refresh_from_db()
    assert membership.status == MembershipStatus.REVOKED
    assert state_at_buzzin(membership) == BuzzinContractorState.REMOVED
    assert active_permit.status == PermitStatus.ARCHIVED
    assert not OutboundDelivery.objects.filter(subscriber="buzzin", operation="contractor.revoke").exists()
    assert deliveries(active_permit.vehicles.get(), "parking.delete").count() == 1
    assert state_of(body) == InboundEventState.PROCESSED


def test_contractor_removed_when_already_revoked_only_records_it(deliver, db):
    membership = MembershipFactory(status=MembershipStatus.REVOKED)
    set_buzzin_membership(membership, BuzzinContractorState.APPROVED)
    deliver(
        payloads.envelope(
            "communityContractors.removed",
            payloads.contractor_data(membership),
            community_id=membership.community.buzzin.buzzin_id,
        )
    )

    membership.refresh_from_db()
    assert state_at_buzzin(membership) == BuzzinContractorState.REMOVED
    assert membership.status == MembershipStatus.REVOKED
