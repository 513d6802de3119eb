"""The services Buzz-In's reports go through, on their own: the domain's (``permits/services/external.py``)
and the integrations' record of Buzz-In (its order, its view of a contractor). One transaction each, an
audit event by Buzz-In, guards on order and on what a permit may still become."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from permits.choices import PermitStatus, ScanKind
from permits.services.external import (
    PassDetails,
    gate_scan_record,
    permit_apply_external_expiry,
    permit_apply_external_update,
    permit_apply_pass_issued,
)
from portal.core.actors import Actor
from portal.core.models import AuditEvent
from portal.integrations.buzzin.models import BuzzinContractorState
from portal.integrations.buzzin.records import buzzin_membership_record
from portal.integrations.webhooks.envelope import Envelope
from portal.integrations.webhooks.handlers import HANDLERS, prepared
from tests.factories import (
    MembershipFactory,
    buzzin_membership,
    buzzin_permit,
    link_buzzin_permit,
    permit_in_status,
    set_buzzin_membership,
)

from . import payloads

pytestmark = pytest.mark.django_db

BUZZIN = Actor.partner("Buzz-In")


def apply(event: str, data: dict, created_at: datetime.datetime, *, permit):
    """Run the webhook handler of ``event`` as the processing task does: prepare, then one transaction."""
    envelope = Envelope(
        id=f"evt-{created_at.timestamp()}",
        event=event,
        community_id=permit.community.buzzin.buzzin_id,
        created_at=created_at,
        data=data,
    )
    handler = HANDLERS[event]
    with prepared(envelope, handler) as resources, transaction.atomic():
        return handler.apply(envelope, resources)


def test_scan_is_audited_as_buzzin_and_recorded_once():
    permit = permit_in_status("active")
    kwargs = {"actor": BUZZIN, "permit": permit, "event_id": "evt-1", "scanned_at": timezone.now()}

    first = gate_scan_record(**kwargs, kind=ScanKind.FIRST)
    again = gate_scan_record(**kwargs, kind=ScanKind.FIRST)

    assert first.applied and not again.applied
    audit = AuditEvent.objects.get(action="permits.gate_scan.recorded")
    assert audit.actor_label == "partner: Buzz-In"


def test_membership_state_is_audited_and_not_repeated():
    membership = MembershipFactory()
    set_buzzin_membership(membership, BuzzinContractorState.PENDING)
    now = timezone.now()

    first = buzzin_membership_record(
        membership=membership, state=BuzzinContractorState.APPROVED, event_at=now, buzzin_id="a" * 24
    )
    again = buzzin_membership_record(membership=membership, state=BuzzinContractorState.APPROVED, event_at=now)

    assert first and not again
    assert buzzin_membership(membership) == ("a" * 24, BuzzinContractorState.APPROVED)
    audit = AuditEvent.objects.get(action="integrations.buzzin.membership_approved")
    assert (audit.from_status, audit.to_status, audit.actor_label) == ("pending", "approved", "partner: Buzz-In")


def test_partner_validity_that_ends_before_it_starts_is_not_applied():
    permit = permit_in_status("active")
    outcome = permit_apply_external_update(
        actor=BUZZIN, permit=permit, valid_till=permit.valid_from - datetime.timedelta(days=1)
    )

    assert not outcome.applied
    assert "end before it starts" in outcome.note


def test_an_issue_that_is_not_the_newest_report_activates_but_keeps_the_validity():
    permit = permit_in_status("approved")
    outcome = permit_apply_pass_issued(
        actor=BUZZIN,
        permit=permit,
        fresh=False,
        details=PassDetails(access_code="X" * 24),
        valid_till=permit.valid_till + datetime.timedelta(days=9),
    )

    assert outcome.applied
    assert "validity kept" in outcome.note
    before = permit.valid_till
    permit.refresh_from_db()
    assert (permit.status, permit.access_code, permit.valid_till) == (PermitStatus.ACTIVE, "X" * 24, before)


def test_activation_applies_even_from_an_older_event_but_keeps_newer_validity():
    permit = permit_in_status("approved")
    link_buzzin_permit(permit, payloads.object_id())
    newer, older = timezone.now(), timezone.now() - datetime.timedelta(minutes=5)
    new_till = permit.valid_till + datetime.timedelta(days=3)
    apply("passes.permits.updated", payloads.validity_data(permit, valid_till=new_till), newer, permit=permit)

    outcome = apply(
        "passes.permits.issued",
        payloads.validity_data(permit) | {"accessCode": "X" * 24, "statusName": "ACCEPTED"},
        older,
        permit=permit,
    )

    permit.refresh_from_db()
    assert outcome.applied
    assert permit.status == PermitStatus.ACTIVE
    assert permit.valid_till == new_till
    assert buzzin_permit(permit).event_at == newer


def test_expiry_of_a_cancelled_permit_is_ignored():
    permit = permit_in_status("cancelled")
    outcome = permit_apply_external_expiry(actor=BUZZIN, permit=permit)

    assert not outcome.applied
    permit.refresh_from_db()
    assert permit.status == PermitStatus.CANCELLED
