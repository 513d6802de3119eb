"""Writes the JSON API needs that no single service offers, each one transaction built from the existing services.

The API speaks in whole records (a permit with its people and NOC, a full list of employees), the
services in single moves; these functions bridge the two without repeating any rule.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack

from django.core.exceptions import ValidationError

from contractors.models import Contractor
from contractors.services import contractor_create, contractor_document_upload
from portal.core.actors import Actor
from portal.core.events import domain_service, event_build, event_record, events_record_bulk
from portal.core.models import Community, Property, Unit
from portal.core.uploads import upload_stored_first

from ..choices import PermitSource, PermitStatus
from ..models import Permit
from ..transitions import EDITABLE_STATUSES
from ..validators import clean_plate, normalize_worker
from ._common import lock_permit
from .drafts import permit_created_event_fields, permit_draft_insert, permit_update_draft
from .lifecycle import permit_cancel, permit_extend, permit_revoke
from .noc import noc_document_stored, noc_first_version_insert, noc_uploaded_event_fields, noc_version_upload
from .people import vehicle_add, vehicle_remove, worker_add, worker_remove

WITHDRAWABLE_STATUSES = (PermitStatus.DRAFT, PermitStatus.CHANGES_REQUESTED, PermitStatus.SUBMITTED)


def contractor_create_with_documents(
    *,
    actor: Actor,
    community: Community,
    documents: Sequence[dict] = (),
    **fields,
) -> Contractor:
    """Register a company pending in ``community`` with its documents. ``documents``: dicts of
    ``kind``, ``expiry_date``, ``number`` and either ``file`` (checked like any upload) or ``document_url``
    (a link, recorded in the audit trail and never fetched). The files are written before the transaction."""
    with ExitStack() as stack:
        stored = [
            stack.enter_context(upload_stored_first(document["file"], folder=f"contractors/new/{document['kind']}"))
            if document.get("file") is not None
            else None
            for document in documents
        ]
        return _contractor_create_with_documents(
            actor=actor, community=community, documents=list(zip(documents, stored, strict=True)), **fields
        )


@domain_service
def _contractor_create_with_documents(*, actor: Actor, community: Community, documents: list, **fields) -> Contractor:
    contractor = contractor_create(actor=actor, communities=[community], **fields)
    for document, stored in documents:
        if stored is not None:
            contractor_document_upload(
                actor=actor,
                contractor=contractor,
                kind=document["kind"],
                document=stored,
                expiry_date=document["expiry_date"],
                number=document.get("number", ""),
            )
        elif document.get("document_url"):
            event_record(
                actor=actor,
                target=contractor,
                action=f"contractors.{document['kind']}.linked",
                community=community,
                data={"url": document["document_url"], "expiry_date": document["expiry_date"].isoformat()},
            )
    return contractor


def permit_create_with_noc(*, noc: dict | None = None, **arguments) -> Permit:
    """A draft from another system (source "api"), with its first NOC version when one is given.

    ``noc``: ``noc_number``, ``issue_date``, ``expiry_date`` and ``file`` or ``document_url``; a file is
    written before the transaction.
    """
    with noc_document_stored(noc) as noc:
        return _permit_create_with_noc(noc=noc, **arguments)


@domain_service
def _permit_create_with_noc(
    *,
    actor: Actor,
    contractor: Contractor,
    property: Property,
    main_unit: Unit,
    noc: dict | None = None,
    **fields,
) -> Permit:
    """The draft's rules and the NOC's checks as ``permit_create_draft`` and ``noc_version_upload`` apply them, in
    one transaction with no savepoint inside; both audit events in one insert. The permit comes back with the
    rows written in hand (units, people, NOC), so its answer needs no query."""
    permit = permit_draft_insert(
        actor=actor,
        contractor=contractor,
        property=property,
        main_unit=main_unit,
        source=PermitSource.API,
        rows_kept=True,
        **fields,
    )
    events = [event_build(**permit_created_event_fields(actor, permit))]
    if noc is not None:
        version = noc_first_version_insert(actor=actor, permit=permit, **noc)
        events.append(event_build(**noc_uploaded_event_fields(actor, permit, version)))
    events_record_bulk(events)
    return permit


def permit_update_whole(*, noc: dict | None = None, **arguments) -> Permit:
    """Apply what a client sent in one go (see ``_permit_update_whole``); a NOC file is written first."""
    with noc_document_stored(noc) as noc:
        return _permit_update_whole(noc=noc, **arguments)


@domain_service
def _permit_update_whole(
    *,
    actor: Actor,
    permit: Permit,
    fields: dict | None = None,
    additional_units: Sequence[Unit] | None = None,
    valid_from: datetime.datetime | None = None,
    valid_till: datetime.datetime | None = None,
    workers: Sequence[dict] | None = None,
    plates: Sequence[str] | None = None,
    noc: dict | None = None,
) -> Permit:
    """Apply what a client sent in one go: the NOC first (a longer validity may need it), then fields,
    validity and people. Values equal to the current ones are not changes, so resending a whole
    record to an approved permit only touches what really differs."""
    permit = lock_permit(permit)
    if noc is not None:
        noc_version_upload(actor=actor, permit=permit, **noc)
    changes = {name: value for name, value in (fields or {}).items() if getattr(permit, name) != value}
    if additional_units is not None and {unit.pk for unit in additional_units} != set(
        permit.additional_units.values_list("pk", flat=True)
    ):
        changes["additional_units"] = additional_units
    if permit.status in EDITABLE_STATUSES:
        changes.update(_window_changes(permit, valid_from, valid_till))
    elif valid_from or valid_till:
        permit = permit_change_validity(actor=actor, permit=permit, valid_from=valid_from, valid_till=valid_till)
    if changes:
        permit = permit_update_draft(actor=actor, permit=permit, **changes)
    if workers is not None or plates is not None:
        permit = permit_replace_people(actor=actor, permit=permit, workers=workers, plates=plates)
    return permit


def _window_changes(permit: Permit, valid_from, valid_till) -> dict:
    changes = {}
    if valid_from and valid_from != permit.valid_from:
        changes["valid_from"] = valid_from
    if valid_till and valid_till != permit.valid_till:
        changes["valid_till"] = valid_till
    return changes


@domain_service
def permit_change_validity(
    *,
    actor: Actor,
    permit: Permit,
    valid_from: datetime.datetime | None = None,
    valid_till: datetime.datetime | None = None,
) -> Permit:
    """A draft's dates simply change; an approved or active permit is extended (pass and parking follow);
    any other status refuses with the transition table's sentence."""
    permit = lock_permit(permit)
    changes = _window_changes(permit, valid_from, valid_till)
    if not changes:
        return permit
    if permit.status in EDITABLE_STATUSES:
        return permit_update_draft(actor=actor, permit=permit, **changes)
    return permit_extend(
        actor=actor,
        permit=permit,
        valid_from=changes.get("valid_from", permit.valid_from),
        valid_till=changes.get("valid_till", permit.valid_till),
    )


@domain_service
def permit_replace_people(
    *, actor: Actor, permit: Permit, workers: Sequence[dict] | None = None, plates: Sequence[str] | None = None
) -> Permit:
    """Make the workers and/or vehicles exactly these lists. Entries already there stay untouched (a
    vehicle keeps its parking permit); the others are removed or added through the usual services."""
    permit = lock_permit(permit)
    if workers is not None:
        _replace_workers(actor, permit, workers)
    if plates is not None:
        _replace_vehicles(actor, permit, plates)
    return permit


def _replace_workers(actor: Actor, permit: Permit, workers: Sequence[dict]) -> None:
    def identity(name, id_number, phone):
        return (name.strip(), id_number.strip(), (phone or "").strip())

    region = permit.community.country
    try:
        normalized = [normalize_worker(**worker, region=region) for worker in workers]
    except ValidationError as error:
        raise ValidationError({"employees": error.messages}) from None
    wanted = Counter(identity(w["name"], w["id_number"], w.get("phone", "")) for w in normalized)
    for worker in list(permit.workers.all()):
        key = identity(worker.name, worker.id_number, worker.phone)
        if wanted[key] > 0:
            wanted[key] -= 1
        else:
            worker_remove(actor=actor, worker=worker)
    for (name, id_number, phone), count in wanted.items():
        for _ in range(count):
            worker_add(actor=actor, permit=permit, name=name, id_number=id_number, phone=phone)


def _replace_vehicles(actor: Actor, permit: Permit, plates: Sequence[str]) -> None:
    try:
        normalized = [clean_plate(plate) for plate in plates]
    except ValidationError as error:
        raise ValidationError({"vehicles": error.error_list}) from None
    wanted = Counter(normalized)
    for vehicle in list(permit.vehicles.filter(removed_at__isnull=True)):
        if wanted[vehicle.plate] > 0:
            wanted[vehicle.plate] -= 1
        else:
            vehicle_remove(actor=actor, vehicle=vehicle)
    for plate in normalized:
        if wanted[plate] > 0:
            wanted[plate] -= 1
            vehicle_add(actor=actor, permit=permit, plate=plate)


@domain_service
def permit_revoke_or_withdraw(*, actor: Actor, permit: Permit, reason: str) -> Permit:
    """Stop a permit whatever its stage: an approved or active pass is revoked (gate and parking follow);
    a permit not yet approved is cancelled, as nothing was issued. Revoking a revoked permit changes nothing."""
    permit = lock_permit(permit)
    if permit.status == PermitStatus.REVOKED:
        return permit
    if permit.status in WITHDRAWABLE_STATUSES:
        return permit_cancel(actor=actor, permit=permit, reason=reason)
    return permit_revoke(actor=actor, permit=permit, reason=reason)
