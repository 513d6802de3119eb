"""Creating and editing a permit before it is submitted."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from contractors.models import Contractor
from portal.core.actors import Actor
from portal.core.events import domain_service, event_record
from portal.core.models import Property, Unit
from portal.core.validation import FieldErrors, on_field

from ..choices import PermitSource, PermitType
from ..models import Permit, PermitUnit, Vehicle, Worker
from ..models.in_hand import rows_in_hand
from ..rules import PermitFacts, Stage, check_permit_rules
from ..selectors.rules import membership_status, permit_facts
from ..validators import clean_plate, normalize_representative_contact, normalize_worker
from ._common import lock_permit, require_editable

DRAFT_FIELDS = (
    "permit_type",
    "valid_from",
    "valid_till",
    "time_in",
    "time_out",
    "representative_name",
    "representative_contact",
    "jobs_summary",
)


@domain_service
def permit_create_draft(*, actor: Actor, **fields) -> Permit:
    """A new draft with its units and people (every argument of ``permit_draft_insert``), and its audit event."""
    permit = permit_draft_insert(actor=actor, **fields)
    event_record(**permit_created_event_fields(actor, permit))
    return permit


def permit_draft_insert(
    *,
    actor: Actor,
    contractor: Contractor,
    property: Property,
    main_unit: Unit,
    valid_from: datetime.datetime,
    valid_till: datetime.datetime,
    additional_units: Sequence[Unit] = (),
    permit_type: str = PermitType.FIT_OUT,
    time_in: datetime.time | None = None,
    time_out: datetime.time | None = None,
    representative_name: str = "",
    representative_contact: str = "",
    jobs_summary: str = "",
    workers: Iterable[dict] = (),
    plates: Iterable[str] = (),
    crm_reference: str | None = None,
    source: str = PermitSource.PORTAL,
    rows_kept: bool = False,
    known_membership_status: str | None = None,
) -> Permit:
    """The rows of a new draft, once the draft rules allow it, in the caller's transaction; the caller records
    ``permit_created_event_fields`` (``permit_create_draft`` does). ``rows_kept``: the rows written stay on the
    permit (``rows_in_hand``), for an answer built at once from it without reading them back.
    ``known_membership_status``: the contractor's membership status in the community, when the caller has just
    read it (the API's contractor lookup); otherwise it is read here."""
    community = property.community
    units = [main_unit, *additional_units]
    errors = FieldErrors()
    with errors.on("representative_contact"):
        representative_contact = normalize_representative_contact(representative_contact, region=community.country)
    with errors.on("workers"):
        workers = _normalized_workers(workers, region=community.country)
    with errors.on(NON_FIELD_ERRORS):
        check_permit_rules(
            PermitFacts(
                community=community,
                valid_from=valid_from,
                valid_till=valid_till,
                time_in=time_in,
                time_out=time_out,
                property_id=property.pk,
                property_label=str(property),
                units=units,
                contractor=contractor,
                membership_status=known_membership_status or membership_status(contractor.pk, community.pk),
            ),
            stage=Stage.DRAFT,
            now=timezone.now(),
        )
    errors.raise_if_any()
    permit = Permit.objects.create(
        community=community,
        contractor=contractor,
        property=property,
        main_unit=main_unit,
        permit_type=permit_type,
        valid_from=valid_from,
        valid_till=valid_till,
        time_in=time_in,
        time_out=time_out,
        representative_name=representative_name,
        representative_contact=representative_contact,
        jobs_summary=jobs_summary,
        crm_reference=crm_reference,
        source=source,
        created_by=actor.user,
    )
    extra_units = _distinct(additional_units, main_unit)
    PermitUnit.objects.bulk_create([PermitUnit(permit=permit, unit=unit) for unit in extra_units])
    workers = Worker.objects.bulk_create([Worker(permit=permit, **worker) for worker in workers])
    vehicles = _add_vehicles(permit, plates)
    if rows_kept:
        rows_in_hand(permit, additional_units=extra_units, workers=workers, vehicles=vehicles, noc_versions=[])
    return permit


def permit_created_event_fields(actor: Actor, permit: Permit) -> dict:
    return {
        "actor": actor,
        "target": permit,
        "action": "permits.permit.created",
        "community": permit.community,
        "to_status": permit.status,
        "data": {"source": permit.source},
    }


@domain_service
def permit_update_draft(
    *, actor: Actor, permit: Permit, additional_units: Sequence[Unit] | None = None, **changes
) -> Permit:
    """Change the fields of a draft (or a permit sent back for changes)."""
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"not draft fields: {sorted(unknown)}")
    permit = lock_permit(permit)
    require_editable(permit)
    errors = FieldErrors()
    if "representative_contact" in changes:
        with errors.on("representative_contact"):
            changes["representative_contact"] = normalize_representative_contact(
                changes["representative_contact"], region=permit.community.country
            )
    units = [permit.main_unit, *(additional_units if additional_units is not None else permit.additional_units.all())]
    facts = permit_facts(
        permit, units=units, **{k: v for k, v in changes.items() if k in PermitFacts.__dataclass_fields__}
    )
    with errors.on(NON_FIELD_ERRORS):
        check_permit_rules(facts, stage=Stage.DRAFT, now=timezone.now())
    errors.raise_if_any()
    changed = {name: str(value) for name, value in changes.items() if getattr(permit, name) != value}
    for name, value in changes.items():
        setattr(permit, name, value)
    permit.save()
    if additional_units is not None:
        PermitUnit.objects.filter(permit=permit).delete()
        PermitUnit.objects.bulk_create(
            [PermitUnit(permit=permit, unit=unit) for unit in _distinct(additional_units, permit.main_unit)]
        )
        changed["additional_units"] = ",".join(unit.external_id for unit in additional_units)
    if changed:
        event_record(
            actor=actor,
            target=permit,
            action="permits.permit.updated",
            community=permit.community,
            from_status=permit.status,
            to_status=permit.status,
            data={"changed": changed},
        )
    return permit


def _distinct(units: Iterable[Unit], main_unit: Unit) -> list[Unit]:
    seen = {main_unit.pk}
    result = []
    for unit in units:
        if unit.pk not in seen:
            seen.add(unit.pk)
            result.append(unit)
    return result


def _normalized_workers(workers: Iterable[dict], *, region: str) -> list[dict]:
    try:
        return [normalize_worker(**worker, region=region) for worker in workers]
    except ValidationError as error:
        raise ValidationError({"workers": error.messages}) from None


def _add_vehicles(permit: Permit, plates: Iterable[str]) -> list[Vehicle]:
    with on_field("vehicles"):
        vehicles = [
            Vehicle(permit=permit, plate=clean_plate(raw), position=position)
            for position, raw in enumerate(plates, start=1)
        ]
    return Vehicle.objects.bulk_create(vehicles)
