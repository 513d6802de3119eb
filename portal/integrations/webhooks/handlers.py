"""One thin handler per Buzz-In event: read the data defensively, find the target, call a domain service.

Buzz-In's order is kept here, in the integrations' own record (``BuzzinPermit.event_at``,
``BuzzinMembership.event_at``: Buzz-In's ``createdAt`` of the last event applied), locked while an event
is applied: data carried by an older event is not applied over a newer one. The domain services keep
their own rule (a status only moves forward) and never hear Buzz-In's name.

A handler returns a ``PartnerOutcome`` (applied or not, and a note for the admin) and raises
``TargetMissing`` when the permit or contractor is not known (yet), ``CommunityMismatch`` when the envelope's
community is unknown or is not the target's (see ``lookups``). ``prepare`` runs before the event's
transaction: it writes the pass image to storage, so no storage I/O happens under a row lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial

from django.core.files.base import ContentFile

from contractors.choices import MembershipStatus
from permits.choices import ScanDirection, ScanKind
from permits.services.contractors import contractor_revoke
from permits.services.external import (
    PassDetails,
    gate_scan_record,
    permit_apply_external_expiry,
    permit_apply_external_update,
    permit_apply_pass_issued,
)
from permits.transitions import TRANSITIONS, Move
from portal.core.outcomes import PartnerOutcome, is_stale
from portal.core.storage import StoredFile, file_stored_first

from ..buzzin import operations as buzzin_operations
from ..buzzin.models import BuzzinContractorState, BuzzinMembership, BuzzinPermit
from ..buzzin.records import BUZZIN, buzzin_membership_record, buzzin_permit_note_event
from ..delivery.services import deliveries_wake_waiting
from ..locking import locked_row
from ..reconciliation.scans import drift_scan_after_end_record
from .envelope import Envelope, moment, partner_status, qr_png, text, url
from .lookups import BUZZIN_ID_LENGTH, membership_for, permit_for
from .notices import permit_expiring_notify

STALE_NOTE = "older than the last applied Buzz-In event: ignored"
VALIDITY_REASON = "Validity changed at Buzz-In."


@dataclass(frozen=True)
class Handler:
    apply: Callable[[Envelope, object], PartnerOutcome]
    prepare: Callable[[Envelope], object] | None = None  # a context manager, entered before the transaction


@contextmanager
def qr_image_stored(envelope: Envelope) -> Iterator[StoredFile | None]:
    """The pass image of an ``issued`` event, written before the transaction (removed again if unused)."""
    image = qr_png(envelope.data)
    if image is None:
        yield None
        return
    name = f"passes/{text(envelope.data, 'salesforceId', 18) or 'pass'}-{envelope.id[:40]}.png"
    with file_stored_first(ContentFile(image), path=name, content_type="image/png", size=len(image)) as stored:
        yield stored


def prepared(envelope: Envelope, handler: Handler):
    return handler.prepare(envelope) if handler.prepare else nullcontext()


def on_pass_issued(envelope: Envelope, qr_image: StoredFile | None) -> PartnerOutcome:
    data = envelope.data
    permit = permit_for(envelope)
    link = locked_row(BuzzinPermit, permit_id=permit.pk)
    fresh = not is_stale(link.event_at, envelope.created_at)
    outcome = permit_apply_pass_issued(
        actor=BUZZIN,
        permit=permit,
        fresh=fresh,
        details=_pass_details(data),
        qr_image=qr_image,
        valid_from=moment(data, "validFrom"),
        valid_till=moment(data, "validTill"),
        validity_reason=VALIDITY_REASON,
    )
    link.buzzin_id = link.buzzin_id or text(data, "permitId", BUZZIN_ID_LENGTH)
    buzzin_permit_note_event(link, event_at=envelope.created_at, status_name=partner_status(data)[0], fresh=fresh)
    return outcome


def on_pass_updated(envelope: Envelope, _=None) -> PartnerOutcome:
    data = envelope.data
    permit = permit_for(envelope)
    link = locked_row(BuzzinPermit, permit_id=permit.pk)
    if is_stale(link.event_at, envelope.created_at):
        return PartnerOutcome(False, STALE_NOTE, permit)
    label, status = partner_status(data)
    outcome = permit_apply_external_update(
        actor=BUZZIN,
        permit=permit,
        status=status,
        reason=text(data, "reason", 500) or (f"{status.label} at Buzz-In." if status else ""),
        valid_from=moment(data, "validFrom"),
        valid_till=moment(data, "validTill"),
        details=_pass_details(data),
        validity_reason=VALIDITY_REASON,
    )
    link.buzzin_id = link.buzzin_id or text(data, "permitId", BUZZIN_ID_LENGTH)
    buzzin_permit_note_event(link, event_at=envelope.created_at, status_name=label, fresh=True)
    return outcome


def on_pass_expiring(envelope: Envelope, _=None) -> PartnerOutcome:
    return permit_expiring_notify(permit_for(envelope), valid_till=moment(envelope.data, "validTill"))


def on_pass_expired(envelope: Envelope, _=None) -> PartnerOutcome:
    permit = permit_for(envelope)
    link = locked_row(BuzzinPermit, permit_id=permit.pk)
    if is_stale(link.event_at, envelope.created_at):
        return PartnerOutcome(False, STALE_NOTE, permit)
    outcome = permit_apply_external_expiry(actor=BUZZIN, permit=permit, valid_till=moment(envelope.data, "validTill"))
    if outcome.applied:
        buzzin_permit_note_event(link, event_at=envelope.created_at, status_name="EXPIRED", fresh=True)
    return outcome


def on_pass_scanned(envelope: Envelope, _=None, *, kind: ScanKind) -> PartnerOutcome:
    data = envelope.data
    direction = text(data, "direction", 8).lower()
    outcome = gate_scan_record(
        actor=BUZZIN,
        permit=permit_for(envelope),
        event_id=envelope.id,
        scanned_at=moment(data, "scannedAt") or envelope.created_at,
        kind=kind,
        direction=direction if direction in ScanDirection.values else ScanDirection.UNKNOWN,
        gate=text(data, "gate", 100),
        employee_name=text(data, "employeeName", 200),
    )
    if outcome.applied and outcome.target.after_end:
        drift_scan_after_end_record(scan=outcome.target)
    return outcome


def on_contractor_approved(envelope: Envelope, _=None) -> PartnerOutcome:
    membership = membership_for(envelope)
    link = locked_row(BuzzinMembership, membership_id=membership.pk)
    if is_stale(link.event_at, envelope.created_at):
        return PartnerOutcome(False, STALE_NOTE, membership)
    changed = buzzin_membership_record(
        membership=membership,
        state=BuzzinContractorState.APPROVED,
        buzzin_id=text(envelope.data, "communityContractorId", BUZZIN_ID_LENGTH),
        event_at=envelope.created_at,
    )
    # Permit creates that Buzz-In refused while the contractor was pending can go now.
    deliveries_wake_waiting(
        contractor_id=membership.contractor_id,
        community_id=membership.community_id,
        subscriber="buzzin",
        operation=buzzin_operations.PERMIT_CREATE,
    )
    note = f"approved ({membership.contractor})" if changed else "already approved"
    return PartnerOutcome(changed, note, membership)


def on_contractor_removed(envelope: Envelope, _=None) -> PartnerOutcome:
    """Buzz-In removed the contractor from the community: revoke it here too (its permits are archived)."""
    membership = membership_for(envelope)
    link = locked_row(BuzzinMembership, membership_id=membership.pk)
    if is_stale(link.event_at, envelope.created_at):
        return PartnerOutcome(False, STALE_NOTE, membership)
    changed = buzzin_membership_record(
        membership=membership,
        state=BuzzinContractorState.REMOVED,
        buzzin_id=text(envelope.data, "communityContractorId", BUZZIN_ID_LENGTH),
        event_at=envelope.created_at,
    )
    membership.refresh_from_db()
    if membership.status != MembershipStatus.APPROVED:
        note = f"removed ({membership.contractor})" if changed else "already removed"
        return PartnerOutcome(changed, note, membership)
    archivable, _ = TRANSITIONS[Move.ARCHIVE]
    count = membership.contractor.permits.filter(community_id=membership.community_id, status__in=archivable).count()
    contractor_revoke(actor=BUZZIN, membership=membership, reason="Removed from the community at Buzz-In.")
    return PartnerOutcome(True, f"contractor revoked, {count} permit(s) archived", membership)


def _pass_details(data: dict) -> PassDetails:
    return PassDetails(
        pass_number=text(data, "passNumber", 32),
        access_code=text(data, "accessCode", 32),
        documentation_url=url(data, "permitDocumentationUrl"),
    )


HANDLERS: dict[str, Handler] = {
    "passes.permits.issued": Handler(on_pass_issued, prepare=qr_image_stored),
    "passes.permits.updated": Handler(on_pass_updated),
    "passes.permits.expiring": Handler(on_pass_expiring),
    "passes.permits.expired": Handler(on_pass_expired),
    "passes.permits.scanned": Handler(partial(on_pass_scanned, kind=ScanKind.SCANNED)),
    "passes.permits.firstScanned": Handler(partial(on_pass_scanned, kind=ScanKind.FIRST)),
    "passes.permits.lastScanned": Handler(partial(on_pass_scanned, kind=ScanKind.LAST)),
    "communityContractors.approved": Handler(on_contractor_approved),
    "communityContractors.removed": Handler(on_contractor_removed),
}
