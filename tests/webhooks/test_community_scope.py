"""An event applies only to objects of the community its envelope names; anything else is stored and refused."""

import pytest
from django.urls import reverse

from contractors.choices import MembershipStatus
from permits.choices import PermitStatus
from portal.integrations.buzzin.models import BuzzinContractorState
from portal.integrations.models import InboundEvent, InboundEventState
from portal.integrations.webhooks.processing import inbound_event_process
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, buzzin_membership, set_buzzin_membership

from . import payloads

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_community(db):
    return CommunityFactory()


def stored(body) -> InboundEvent:
    return InboundEvent.objects.get(event_id=body["id"])


def assert_refused(body, *, mentions: str):
    inbound = stored(body)
    assert inbound.state == InboundEventState.REFUSED
    assert "community" in inbound.result
    assert mentions in inbound.error
    return inbound


def test_a_pass_issued_naming_another_community_does_not_move_the_permit(deliver, approved_permit, other_community):
    body = payloads.envelope(
        "passes.permits.issued",
        payloads.issued_data(approved_permit),
        community_id=other_community.buzzin.buzzin_id,
    )
    response = deliver(body)

    assert response.status_code == 200  # authentic: stored and acknowledged, then refused
    approved_permit.refresh_from_db()
    assert approved_permit.status == PermitStatus.APPROVED
    assert approved_permit.access_code == ""
    assert_refused(body, mentions=other_community.buzzin.buzzin_id)


def test_an_update_naming_another_community_by_reference_only_is_refused(deliver, active_permit, other_community):
    data = payloads.dead_pass_data(active_permit, "REVOKED")
    del data["permitId"]
    body = payloads.envelope("passes.permits.updated", data, community_id=other_community.buzzin.buzzin_id)
    deliver(body)

    active_permit.refresh_from_db()
    assert active_permit.status == PermitStatus.ACTIVE
    assert_refused(body, mentions=active_permit.reference)


@pytest.mark.parametrize("community_id", ["ffffffffffffffffffffffff", ""])
def test_an_unknown_or_missing_community_is_refused(deliver, active_permit, community_id):
    body = payloads.envelope("passes.permits.expired", payloads.validity_data(active_permit), community_id=community_id)
    deliver(body)

    active_permit.refresh_from_db()
    assert active_permit.status == PermitStatus.ACTIVE
    assert_refused(body, mentions="names no community")


def test_a_refused_event_stays_refused_when_run_again(deliver, active_permit, other_community):
    body = payloads.envelope(
        "passes.permits.expired",
        payloads.validity_data(active_permit),
        community_id=other_community.buzzin.buzzin_id,
    )
    deliver(body)

    again = inbound_event_process(stored(body).pk, force=True)

    assert again.state == InboundEventState.REFUSED
    active_permit.refresh_from_db()
    assert active_permit.status == PermitStatus.ACTIVE


def test_the_same_event_naming_the_permits_community_is_applied(deliver, active_permit):
    body = payloads.permit_event("passes.permits.expired", active_permit, payloads.validity_data(active_permit))
    deliver(body)

    active_permit.refresh_from_db()
    assert active_permit.status == PermitStatus.EXPIRED
    assert stored(body).state == InboundEventState.PROCESSED


def test_a_community_without_a_buzzin_id_is_found_by_the_id_the_sandbox_derives(deliver, active_permit):
    from portal.integrations.buzzin.ids import buzzin_object_id as buzzin_community_id
    from portal.integrations.buzzin.models import BuzzinCommunity

    community = active_permit.community
    BuzzinCommunity.objects.filter(community=community).update(buzzin_id="")
    community.refresh_from_db()
    body = payloads.envelope(
        "passes.permits.expired", payloads.validity_data(active_permit), community_id=buzzin_community_id(community)
    )
    deliver(body)

    assert stored(body).state == InboundEventState.PROCESSED


def test_a_contractor_removed_naming_a_community_it_is_not_in_is_refused(deliver, active_permit, other_community):
    membership = active_permit.contractor.memberships.get(community=active_permit.community)
    body = payloads.envelope(
        "communityContractors.removed",
        payloads.contractor_data(membership),
        community_id=other_community.buzzin.buzzin_id,
    )
    deliver(body)

    membership.refresh_from_db()
    active_permit.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED
    assert active_permit.status == PermitStatus.ACTIVE
    assert_refused(body, mentions=other_community.buzzin.buzzin_id)


def test_a_contractor_approved_with_no_community_is_refused(deliver, db):
    membership = MembershipFactory()
    set_buzzin_membership(membership, BuzzinContractorState.PENDING)
    body = payloads.envelope("communityContractors.approved", payloads.contractor_data(membership), community_id="")
    deliver(body)

    membership.refresh_from_db()
    assert buzzin_membership(membership)[1] == BuzzinContractorState.PENDING
    assert_refused(body, mentions="names no community")


def test_refused_events_are_listed_by_the_state_filter_with_their_community(
    client, deliver, active_permit, other_community
):
    refused = payloads.envelope(
        "passes.permits.expired",
        payloads.validity_data(active_permit),
        community_id=other_community.buzzin.buzzin_id,
    )
    applied = payloads.permit_event(
        "passes.permits.scanned", active_permit, payloads.scan_data(active_permit, payloads.ago(5))
    )
    deliver(refused)
    deliver(applied)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:integrations_inboundevent_changelist"), {"state__exact": "refused"})

    body = page.content.decode()
    assert page.status_code == 200
    assert refused["id"] in body and applied["id"] not in body
    assert other_community.buzzin.buzzin_id in body
    assert "Refused (not this community" in body  # the state, as a filter choice and in the row
