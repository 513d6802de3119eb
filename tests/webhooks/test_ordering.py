"""Late and repeated events: an older event never overwrites newer state, a status never moves backwards."""

import datetime

import pytest

from contractors.choices import MembershipStatus
from permits.choices import PermitStatus
from portal.integrations.buzzin.models import BuzzinContractorState
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.models import InboundEvent, InboundEventState
from tests.factories import MembershipFactory, buzzin_membership, buzzin_permit, set_buzzin_membership

from . import payloads

pytestmark = pytest.mark.django_db


def issued(permit, created_at, **data):
    return payloads.permit_event(
        "passes.permits.issued", permit, payloads.issued_data(permit, **data), created_at=created_at
    )


def updated(permit, created_at, **data):
    return payloads.permit_event(
        "passes.permits.updated", permit, payloads.updated_data(permit, **data), created_at=created_at
    )


def state_of(body):
    return InboundEvent.objects.get(event_id=body["id"]).state


def test_updated_before_its_issued_ends_active_with_the_newer_validity(deliver, approved_permit):
    vehicle = approved_permit.vehicles.get()
    original_till = approved_permit.valid_till
    new_till = original_till + datetime.timedelta(days=7)
    issued_at, updated_at = payloads.ago(60), payloads.ago(30)
    first_issue = issued(approved_permit, issued_at)  # built while the permit still has its first validity
    late_update = updated(approved_permit, updated_at, validTill=payloads.iso(new_till))

    deliver(late_update)
    approved_permit.refresh_from_db()
    assert approved_permit.status == PermitStatus.APPROVED  # activation belongs to the issue
    assert approved_permit.valid_till == new_till.replace(microsecond=0)

    deliver(first_issue)
    approved_permit.refresh_from_db()
    assert approved_permit.status == PermitStatus.ACTIVE
    assert approved_permit.access_code == "7H2KQ9ZTM4XB1RPA8VC0DLEN"
    assert approved_permit.qr_image
    assert approved_permit.valid_till == new_till.replace(microsecond=0)  # the older issue did not overwrite it
    assert abs(buzzin_permit(approved_permit).event_at - updated_at) < datetime.timedelta(milliseconds=1)
    pushes = OutboundDelivery.objects.filter(operation="parking.push", target_id=str(vehicle.pk))
    assert pushes.count() == 1
    assert not OutboundDelivery.objects.filter(subscriber="buzzin", operation="permit.update_validity").exists()


def test_issued_replayed_after_expired_does_not_reactivate(deliver, approved_permit):
    first = issued(approved_permit, payloads.ago(120))
    deliver(first)
    approved_permit.refresh_from_db()
    deliver(
        payloads.permit_event(
            "passes.permits.expired",
            approved_permit,
            payloads.validity_data(approved_permit),
            created_at=payloads.ago(60),
        )
    )

    assert deliver(first).json()["status"] == "duplicate"
    replay = issued(approved_permit, payloads.ago(120))
    deliver(replay)
    newer = issued(approved_permit, payloads.ago(1), accessCode="ZZZZ00000000000000000000")
    deliver(newer)

    approved_permit.refresh_from_db()
    assert approved_permit.status == PermitStatus.EXPIRED
    assert approved_permit.access_code == "7H2KQ9ZTM4XB1RPA8VC0DLEN"
    assert state_of(replay) == state_of(newer) == InboundEventState.IGNORED


def test_older_update_does_not_overwrite_a_newer_one(deliver, active_permit):
    newer_till = active_permit.valid_till + datetime.timedelta(days=20)
    older_till = active_permit.valid_till + datetime.timedelta(days=5)
    newer = updated(active_permit, payloads.ago(10), validTill=payloads.iso(newer_till))
    older = updated(active_permit, payloads.ago(50), validTill=payloads.iso(older_till))

    deliver(newer)
    deliver(older)

    active_permit.refresh_from_db()
    assert active_permit.valid_till == newer_till.replace(microsecond=0)
    assert state_of(older) == InboundEventState.IGNORED


def test_expired_older_than_an_extension_is_ignored(deliver, active_permit):
    extended_till = active_permit.valid_till + datetime.timedelta(days=20)
    old_expiry = payloads.permit_event(
        "passes.permits.expired", active_permit, payloads.validity_data(active_permit), created_at=payloads.ago(60)
    )
    deliver(updated(active_permit, payloads.ago(30), validTill=payloads.iso(extended_till)))
    deliver(old_expiry)

    active_permit.refresh_from_db()
    assert active_permit.status == PermitStatus.ACTIVE
    assert state_of(old_expiry) == InboundEventState.IGNORED


def test_expired_for_an_earlier_end_than_the_permit_has_is_ignored(deliver, active_permit):
    earlier_end = active_permit.valid_till - datetime.timedelta(days=3)
    body = payloads.permit_event(
        "passes.permits.expired", active_permit, payloads.validity_data(active_permit, valid_till=earlier_end)
    )
    deliver(body)

    active_permit.refresh_from_db()
    assert active_permit.status == PermitStatus.ACTIVE
    assert state_of(body) == InboundEventState.IGNORED


def test_reissued_codes_arriving_out_of_order_keep_the_newest(deliver, approved_permit):
    deliver(issued(approved_permit, payloads.ago(300), accessCode="AAAA00000000000000000000"))
    deliver(issued(approved_permit, payloads.ago(100), accessCode="CCCC00000000000000000000"))
    late = issued(approved_permit, payloads.ago(200), accessCode="BBBB00000000000000000000")
    deliver(late)

    approved_permit.refresh_from_db()
    assert approved_permit.access_code == "CCCC00000000000000000000"
    assert state_of(late) == InboundEventState.IGNORED


def test_issued_after_a_revocation_does_not_bring_the_pass_back(deliver, approved_permit):
    deliver(
        payloads.permit_event(
            "passes.permits.updated",
            approved_permit,
            payloads.dead_pass_data(approved_permit, "REVOKED"),
            created_at=payloads.ago(10),
        )
    )
    deliver(issued(approved_permit, payloads.ago(60)))

    approved_permit.refresh_from_db()
    assert approved_permit.status == PermitStatus.REVOKED
    assert approved_permit.access_code == ""


def test_scans_are_a_log_and_do_not_hold_back_status_events(deliver, active_permit):
    deliver(
        payloads.permit_event(
            "passes.permits.scanned",
            active_permit,
            payloads.scan_data(active_permit, payloads.ago(5)),
            created_at=payloads.ago(5),
        )
    )
    deliver(
        payloads.permit_event(
            "passes.permits.expired", active_permit, payloads.validity_data(active_permit), created_at=payloads.ago(60)
        )
    )

    active_permit.refresh_from_db()
    assert active_permit.status == PermitStatus.EXPIRED


def test_contractor_removed_older_than_its_approval_is_ignored(deliver, db):
    membership = MembershipFactory()
    set_buzzin_membership(membership, BuzzinContractorState.PENDING)
    community_id = membership.community.buzzin.buzzin_id
    data = payloads.contractor_data(membership)
    deliver(
        payloads.envelope("communityContractors.approved", data, community_id=community_id, created_at=payloads.ago(10))
    )
    late = payloads.envelope(
        "communityContractors.removed", data, community_id=community_id, created_at=payloads.ago(60)
    )
    deliver(late)

    membership.refresh_from_db()
    assert buzzin_membership(membership)[1] == BuzzinContractorState.APPROVED
    assert membership.status == MembershipStatus.APPROVED
    assert state_of(late) == InboundEventState.IGNORED
