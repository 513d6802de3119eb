"""Every id an API call names, resolved inside the key's community: anything else is a 404.

The message says what was not found, never whether it exists in another community.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from contractors.choices import MembershipStatus
from contractors.models import Contractor, ContractorMembership
from contractors.selectors import phone_taken_in
from permits.models import Permit
from portal.core import rows
from portal.core.lookups import among_sql
from portal.core.models import Community, Property, Unit

from . import ids
from .errors import Conflict


def permit_or_404(community: Community, permit_id: str) -> Permit:
    """By the portal's ``_id`` (reference), the CRM's salesforcePermitId or the permit's Buzz-In id."""
    if ids.usable_lookup_id(permit_id):
        permit = (
            Permit.objects.filter(community=community)
            .filter(Q(reference=permit_id) | Q(crm_reference=permit_id) | Q(buzzin__buzzin_id=permit_id))
            .select_related("community", "contractor", "property", "main_unit")
            .first()
        )
        if permit is not None:
            return permit
    raise NotFound(_("Permit %(permit_id)s not found.") % {"permit_id": permit_id})


def membership_or_404(community: Community, contractor_id: str) -> ContractorMembership:
    """By the contractor's ``_id`` (reference), its salesforceId, or its Buzz-In id in this community."""
    if ids.usable_lookup_id(contractor_id):
        membership = (
            ContractorMembership.objects.filter(community=community)
            .filter(
                Q(contractor__reference=contractor_id)
                | Q(contractor__crm_reference=contractor_id)
                | Q(contractor__buzzin__buzzin_id=contractor_id)
            )
            .select_related("contractor", "community")
            .first()
        )
        if membership is not None:
            return membership
    raise NotFound(_("Contractor %(contractor_id)s not found.") % {"contractor_id": contractor_id})


BY_CONTRACTOR_ID = "contractor_id"  # the portal's reference or the company's Buzz-In id
BY_SALESFORCE_ID = "salesforce_id"  # the CRM's id or the portal's reference


def approved_membership_or_404(
    community: Community,
    *,
    salesforce_id: str | None,
    contractor_id: str | None,
    new_permit_id: str | None = None,
) -> ContractorMembership:
    """The permit's contractor's membership of the community (its ``contractor`` joined): it must be approved.

    With ``new_permit_id`` (a create's salesforcePermitId) the same statement asks ``reject_duplicate_permit``'s
    question, whose 409 comes before any 404 as when asked on its own."""
    wanted = contractor_id or salesforce_id or ""
    membership = None
    if contractor_id and ids.usable_lookup_id(contractor_id):
        membership = _membership(community, BY_CONTRACTOR_ID, contractor_id, new_permit_id)
    elif salesforce_id and ids.usable_lookup_id(salesforce_id):
        membership = _membership(community, BY_SALESFORCE_ID, salesforce_id, new_permit_id)
    if new_permit_id and (membership is None or membership.permit_id_taken):
        reject_duplicate_permit(community, new_permit_id)
    if membership is None:
        raise NotFound(_("Contractor %(wanted)s not found in this community.") % {"wanted": wanted})
    if membership.status != MembershipStatus.APPROVED:
        raise NotFound(_("Contractor %(wanted)s is not approved in this community.") % {"wanted": wanted})
    return membership


def _membership(community: Community, by: str, wanted: str, new_permit_id: str | None) -> ContractorMembership | None:
    """One statement, cached per process (``portal.core.rows``): built by the ORM on every create it cost more
    CPU than the rest of the lookups together. ``permit_id_taken``: whether ``new_permit_id`` names a permit
    of the community (NULL, when there is none, names nothing)."""
    with connection.cursor() as cursor:
        cursor.execute(_membership_sql(by), [new_permit_id or None] * 2 + [community.pk, wanted, wanted])
        row = cursor.fetchone()
    if row is None:
        return None
    membership = rows.instance_from_row(ContractorMembership, row, 1)
    membership.contractor = rows.instance_from_row(Contractor, row, 1 + rows.width(ContractorMembership))
    membership.permit_id_taken = bool(row[0])
    return membership


@functools.cache
def _membership_sql(by: str) -> str:
    membership = functools.partial(rows.column_sql, ContractorMembership, "m")
    contractor = functools.partial(rows.column_sql, Contractor, "c")
    buzzin_model = Contractor._meta.get_field("buzzin").related_model
    buzzin = functools.partial(rows.column_sql, buzzin_model, "b")
    join, match = {
        BY_CONTRACTOR_ID: (
            f"LEFT JOIN {rows.table_sql(buzzin_model, 'b')} ON {buzzin('contractor')} = {contractor('id')}",
            f"{contractor('reference')} = %s OR {buzzin('buzzin_id')} = %s",
        ),
        BY_SALESFORCE_ID: ("", f"{contractor('crm_reference')} = %s OR {contractor('reference')} = %s"),
    }[by]
    return (
        f"SELECT EXISTS ({_permit_named_sql(membership('community'))}), "
        f"{rows.columns_sql(ContractorMembership, 'm')}, {rows.columns_sql(Contractor, 'c')} "
        f"FROM {rows.table_sql(ContractorMembership, 'm')} "
        f"JOIN {rows.table_sql(Contractor, 'c')} ON {membership('contractor')} = {contractor('id')} {join} "
        f"WHERE {membership('community')} = %s AND ({match}) ORDER BY {membership('id')} LIMIT 1"
    )


def places_or_404(
    community: Community,
    *,
    property_external_id: str | None,
    property_id: str | None,
    flat_external_id: str | None,
    flat_id: str | None,
    additional_external_ids: Sequence[str] = (),
    additional_flat_ids: Sequence[str] = (),
) -> tuple[Property, Unit, list[Unit]]:
    """The property, the main flat and the additional flats of a new permit.

    Named by external ids (what a CRM sends), all of them come from one statement; anything else, or any id
    not found there, is looked up one by one as ``property_or_404`` and ``unit_or_404`` do, for their answers.
    """
    wanted = [flat_external_id, *additional_external_ids]
    if property_external_id and flat_external_id and not property_id and not additional_flat_ids:
        found = _units_by_external_ids(community, property_external_id, wanted)
        if found is not None:
            return found[0].property, found[0], found[1:]
    prop = property_or_404(community, external_id=property_external_id, property_id=property_id)
    main_unit = unit_or_404(prop, external_id=flat_external_id, flat_id=flat_id)
    return prop, main_unit, units_or_404(prop, external_ids=additional_external_ids, flat_ids=additional_flat_ids)


def _units_by_external_ids(community: Community, property_external_id: str, wanted: list[str]) -> list[Unit] | None:
    """The units in ``wanted``'s order, sharing one property (the key's community in hand); None unless all are.
    Each comes with its property and both Buzz-In links (the answer's ids): one statement, cached per process."""
    if not all(ids.usable_lookup_id(value) for value in [property_external_id, *wanted]):
        return None
    among, among_params = among_sql(rows.column_sql(Unit, "u", "external_id"), set(wanted), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"{_units_sql()} AND {among}", [community.pk, property_external_id, *among_params])
        found = cursor.fetchall()
    if not found:
        return None
    prop = rows.instance_from_row(Property, found[0], rows.width(Unit))
    prop.community = community
    rows.link_from_row(prop, "buzzin", found[0], rows.width(Unit) + rows.width(Property))
    by_external_id = {}
    for row in found:
        unit = rows.instance_from_row(Unit, row)
        unit.property = prop
        rows.link_from_row(unit, "buzzin", row, rows.width(Unit) + rows.width(Property) + rows.width(_link(Property)))
        by_external_id[unit.external_id] = unit
    if not all(value in by_external_id for value in wanted):
        return None
    return [by_external_id[value] for value in wanted]


def _link(model):
    return model._meta.get_field("buzzin").related_model


@functools.cache
def _units_sql() -> str:
    unit = functools.partial(rows.column_sql, Unit, "u")
    prop = functools.partial(rows.column_sql, Property, "pr")
    prop_link = functools.partial(rows.column_sql, _link(Property), "pb")
    unit_link = functools.partial(rows.column_sql, _link(Unit), "ub")
    return (
        f"SELECT {rows.columns_sql(Unit, 'u')}, {rows.columns_sql(Property, 'pr')}, "
        f"{rows.columns_sql(_link(Property), 'pb')}, {rows.columns_sql(_link(Unit), 'ub')} "
        f"FROM {rows.table_sql(Unit, 'u')} JOIN {rows.table_sql(Property, 'pr')} ON {unit('property')} = {prop('id')} "
        f"LEFT JOIN {rows.table_sql(_link(Property), 'pb')} ON {prop_link('property')} = {prop('id')} "
        f"LEFT JOIN {rows.table_sql(_link(Unit), 'ub')} ON {unit_link('unit')} = {unit('id')} "
        f"WHERE {prop('community')} = %s AND {prop('external_id')} = %s"
    )


def property_or_404(community: Community, *, external_id: str | None, property_id: str | None) -> Property:
    properties = Property.objects.filter(community=community).select_related("community", "buzzin").order_by()
    found = None
    if external_id:
        found = properties.filter(external_id=external_id).first() if ids.usable_lookup_id(external_id) else None
    elif property_id:
        found = _by_object_id(properties, property_id)
    if found is None:
        raise NotFound(
            _("Property %(property)s not found in this community.") % {"property": external_id or property_id}
        )
    return found


def unit_or_404(prop: Property, *, external_id: str | None, flat_id: str | None) -> Unit:
    units = Unit.objects.filter(property=prop).select_related("property", "buzzin").order_by()
    found = None
    if external_id:
        found = units.filter(external_id=external_id).first() if ids.usable_lookup_id(external_id) else None
    elif flat_id:
        found = _by_object_id(units, flat_id)
    if found is None:
        raise NotFound(
            _("Flat %(flat)s not found in %(property)s.")
            % {"flat": external_id or flat_id, "property": prop.external_id}
        )
    return found


def units_or_404(prop: Property, *, external_ids: Iterable[str] = (), flat_ids: Iterable[str] = ()) -> list[Unit]:
    units = [unit_or_404(prop, external_id=value, flat_id=None) for value in external_ids]
    units += [unit_or_404(prop, external_id=None, flat_id=value) for value in flat_ids]
    return units


def _by_object_id(queryset, object_id: str):
    """Buzz-In ids are stored; derived ids are computed, so they are matched in Python (a community's rows)."""
    if not ids.usable_lookup_id(object_id):
        return None
    stored = queryset.filter(buzzin__buzzin_id=object_id).first()
    if stored is not None:
        return stored
    without = queryset.filter(Q(buzzin__isnull=True) | Q(buzzin__buzzin_id=""))
    return next((row for row in without if ids.derived_object_id(row._meta.model_name, row.pk) == object_id), None)


def permit_for_answer(pk: int) -> Permit:
    """A permit with everything its answer shows, in a handful of queries."""
    return (
        Permit.objects.select_related("community", "contractor", "property", "main_unit")
        .prefetch_related("noc_versions", "workers", "vehicles", "additional_units")
        .get(pk=pk)
    )


def reject_duplicate_permit(community: Community, salesforce_permit_id: str) -> None:
    """salesforcePermitId is unique within the community (and never equal to one of its portal references, so
    ids stay unambiguous). Another community's permits are not looked at: their ids are not this key's business.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS ({_permit_named_sql('%s')})", [community.pk, *[salesforce_permit_id] * 2])
        taken = bool(cursor.fetchone()[0])
    if taken:
        raise Conflict(
            _("A permit with salesforcePermitId %(salesforce_permit_id)s already exists in this community.")
            % {"salesforce_permit_id": salesforce_permit_id}
        )


@functools.cache
def _permit_named_sql(community_sql: str) -> str:
    """A permit of the community (``community_sql``: a parameter or a column) whose salesforcePermitId or
    reference is the id (two parameters): ``reject_duplicate_permit``'s question, also asked by the create's
    contractor lookup."""
    permit = functools.partial(rows.column_sql, Permit, "p")
    return (
        f"SELECT 1 FROM {rows.table_sql(Permit, 'p')} WHERE {permit('community')} = {community_sql} "
        f"AND ({permit('crm_reference')} = %s OR {permit('reference')} = %s)"
    )


REGISTERED_ELSEWHERE = (
    "A company with this email or salesforceId is already registered; ask the property management to add it "
    "to this community."
)


def reject_duplicate_contractor(community: Community, *, email: str, phone: str, crm_reference: str | None) -> None:
    """E-mail and salesforceId are unique across the portal (Buzz-In keeps one contractor per e-mail), the phone
    within a community.

    A duplicate held by this community is named; one held only by other communities gets the same answer for
    e-mail and salesforceId alike, which tells nothing of which community holds it, nor of its data.
    """
    members = Contractor.objects.filter(memberships__community=community)
    same_email = Q(email__iexact=email.strip())
    same_reference = Q(crm_reference=crm_reference) | Q(reference=crm_reference) if crm_reference else Q(pk__in=[])
    if members.filter(same_email).exists():
        raise Conflict(_("A contractor with this email already exists in this community."))
    if phone_taken_in(phone, [community]):
        raise Conflict(_("A contractor with this phone already exists in this community."))
    if members.filter(same_reference).exists():
        raise Conflict(
            _("A contractor with salesforceId %(crm_reference)s already exists in this community.")
            % {"crm_reference": crm_reference}
        )
    if Contractor.objects.filter(same_email | same_reference).exists():
        raise Conflict(REGISTERED_ELSEWHERE)
