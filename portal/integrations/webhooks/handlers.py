"""One thin handler per Buzz-In event: read the data defensively, find the target, call a domain service.

A handler returns a ``PartnerOutcome`` (applied or not, and a note for the admin) and raises ``TargetMissing``
when the permit or contractor is not known (yet), ``CommunityMismatch`` when the envelope's community is unknown
or is not the target's (see ``lookups``).
"""

from __future__ import annotations

from functools import partial

from contractors.choices import BuzzinContractorState
from contractors.partner_events import PartnerOutcome, membership_apply_buzzin_state
from permits.choices import ScanDirection, ScanKind
from permits.services.partner_events import (
    contractor_apply_partner_removal,
    gate_scan_record,
    permit_apply_partner_expiry,
    permit_apply_partner_update,
    permit_apply_pass_issued,
)
from portal.core.actors import Actor

from ..delivery.services import deliveries_wake_waiting
from .envelope import Envelope, moment, partner_status, qr_png, text, url
from .lookups import BUZZIN_ID_LENGTH, membership_for, permit_for
from .notices import permit_expiring_notify

BUZZIN = Actor.partner("Buzz-In")


def on_pass_issued(envelope: Envelope) -> PartnerOutcome:
    data = envelope.data
    label, _ = partner_status(data)
    return permit_apply_pass_issued(
        actor=BUZZIN,
        permit=permit_for(envelope),
        event_at=envelope.created_at,
        pass_number=text(data, "passNumber", 32),
        access_code=text(data, "accessCode", 32),
        qr_png=qr_png(data),
        documentation_url=url(data, "permitDocumentationUrl"),
        buzzin_id=text(data, "permitId", BUZZIN_ID_LENGTH),
        valid_from=moment(data, "validFrom"),
        valid_till=moment(data, "validTill"),
        partner_status=label,
    )


def on_pass_updated(envelope: Envelope) -> PartnerOutcome:
    data = envelope.data
    label, status = partner_status(data)
    return permit_apply_partner_update(
        actor=BUZZIN,
        permit=permit_for(envelope),
        event_at=envelope.created_at,
        status=status,
        partner_status=label,
        reason=text(data, "reason", 500),
        valid_from=moment(data, "validFrom"),
        valid_till=moment(data, "validTill"),
        pass_number=text(data, "passNumber", 32),
        access_code=text(data, "accessCode", 32),
        documentation_url=url(data, "permitDocumentationUrl"),
        buzzin_id=text(data, "permitId", BUZZIN_ID_LENGTH),
    )


def on_pass_expiring(envelope: Envelope) -> PartnerOutcome:
    return permit_expiring_notify(permit_for(envelope), valid_till=moment(envelope.data, "validTill"))


def on_pass_expired(envelope: Envelope) -> PartnerOutcome:
    return permit_apply_partner_expiry(
        actor=BUZZIN,
        permit=permit_for(envelope),
        event_at=envelope.created_at,
        valid_till=moment(envelope.data, "validTill"),
    )


def on_pass_scanned(envelope: Envelope, *, kind: ScanKind) -> PartnerOutcome:
    data = envelope.data
    direction = text(data, "direction", 8).lower()
    return gate_scan_record(
        actor=BUZZIN,
        permit=permit_for(envelope),
        event_id=envelope.id,
        scanned_at=moment(data, "scannedAt") or envelope.created_at,
        kind=kind,
        direction=direction if direction in ScanDirection.values else ScanDirection.UNKNOWN,
        gate=text(data, "gate", 100),
        employee_name=text(data, "employeeName", 200),
    )


def on_contractor_approved(envelope: Envelope) -> PartnerOutcome:
    membership = membership_for(envelope)
    outcome = membership_apply_buzzin_state(
        actor=BUZZIN,
        membership=membership,
        state=BuzzinContractorState.APPROVED,
        event_at=envelope.created_at,
        buzzin_id=text(envelope.data, "communityContractorId", BUZZIN_ID_LENGTH),
    )
    # Permit creates that Buzz-In refused while the contractor was pending can go now.
    deliveries_wake_waiting(contractor_id=membership.contractor_id, community_id=membership.community_id)
    return outcome


def on_contractor_removed(envelope: Envelope) -> PartnerOutcome:
    return contractor_apply_partner_removal(
        actor=BUZZIN,
        membership=membership_for(envelope),
        event_at=envelope.created_at,
        buzzin_id=text(envelope.data, "communityContractorId", BUZZIN_ID_LENGTH),
    )


HANDLERS = {
    "passes.permits.issued": on_pass_issued,
    "passes.permits.updated": on_pass_updated,
    "passes.permits.expiring": on_pass_expiring,
    "passes.permits.expired": on_pass_expired,
    "passes.permits.scanned": partial(on_pass_scanned, kind=ScanKind.SCANNED),
    "passes.permits.firstScanned": partial(on_pass_scanned, kind=ScanKind.FIRST),
    "passes.permits.lastScanned": partial(on_pass_scanned, kind=ScanKind.LAST),
    "communityContractors.approved": on_contractor_approved,
    "communityContractors.removed": on_contractor_removed,
}
