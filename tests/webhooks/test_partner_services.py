"""The partner-event services on their own: one transaction, an audit event by Buzz-In, order guards."""

import datetime

import pytest
from contractors.partner_events import membership_apply_buzzin_state
from django.utils import timezone
from permits.services.partner_events import (
    gate_scan_record,
    permit_apply_partner_expiry,
    permit_apply_partner_update,
    permit_apply_pass_issued,
)

from contractors.choices import BuzzinContractorState
from permits.choices import PermitStatus, ScanKind
from portal.core.actors import Actor
from portal.core.models import AuditEvent
from tests.factories import MembershipFactory, permit_in_status

pytestmark = pytest.mark.django_db

BUZZIN = Actor.partner("Buzz-In")


def test_scan_is_audited_as_buzzin_and_recorded_once():
    permit = permit_in_status("active")
    kwargs = {"actor": BUZZIN, "permit": permit, "event_id": "evt-1", "scanned_at": timezone.now()}

    first = gate_scan_record(**kwargs, kind=ScanKind.FIRST)
    again = gate_scan_record(**kwargs, kind=ScanKind.FIRST)

    assert first.applied and not again.applied
    audit = AuditEvent.objects.get(action="permits.gate_scan.recorded")
    assert audit.actor_label == "partner: Buzz-In"


def test_membership_state_is_audited_and_not_repeated():
    membership = MembershipFactory(buzzin_state=BuzzinContractorState.PENDING)
    now = timezone.now()

    first = membership_apply_buzzin_state(
        actor=BUZZIN, membership=membership, state=BuzzinContractorState.APPROVED, event_at=now, buzzin_id="a" * 24
    )
    again = membership_apply_buzzin_state(
        actor=BUZZIN, membership=membership, state=BuzzinContractorState.APPROVED, event_at=now
    )

    assert first.applied and not again.applied
    audit = AuditEvent.objects.get(action="contractors.membership.buzzin_approved")
    assert (audit.from_status, audit.to_status, audit.actor_label) == ("pending", "approved", "partner: Buzz-In")


def test_partner_validity_that_ends_before_it_starts_is_not_applied():
    permit = permit_in_status("active")
    outcome = permit_apply_partner_update(
        actor=BUZZIN, permit=permit, event_at=timezone.now(), valid_till=permit.valid_from - datetime.timedelta(days=1)
    )

    assert not outcome.applied
    assert "end before it starts" in outcome.note


def test_activation_applies_even_from_an_older_event_but_keeps_newer_validity():
    permit = permit_in_status("approved")
    newer, older = timezone.now(), timezone.now() - datetime.timedelta(minutes=5)
    new_till = permit.valid_till + datetime.timedelta(days=3)
    permit_apply_partner_update(actor=BUZZIN, permit=permit, event_at=newer, valid_till=new_till)

    outcome = permit_apply_pass_issued(
        actor=BUZZIN,
        permit=permit,
        event_at=older,
        access_code="X" * 24,
        valid_till=permit.valid_till,
    )

    permit.refresh_from_db()
    assert outcome.applied
    assert permit.status == PermitStatus.ACTIVE
    assert permit.valid_till == new_till
    assert permit.buzzin_event_at == newer


def test_expiry_of_a_cancelled_permit_is_ignored():
    permit = permit_in_status("cancelled")
    outcome = permit_apply_partner_expiry(actor=BUZZIN, permit=permit, event_at=timezone.now())

    assert not outcome.applied
    permit.refresh_from_db()
    assert permit.status == PermitStatus.CANCELLED
