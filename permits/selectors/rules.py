"""The facts the rules judge a permit on, read from the database (shared by services and pages)."""

from __future__ import annotations

from contractors.models import ContractorMembership

from ..models import NocVersion, Permit
from ..rules import PermitFacts


def current_noc(permit: Permit) -> NocVersion | None:
    return permit.noc_versions.filter(is_current=True).first()


def membership_status(contractor_id: int, community_id: int) -> str | None:
    return (
        ContractorMembership.objects.filter(contractor_id=contractor_id, community_id=community_id)
        .order_by()  # one row at most: no join for the default ordering
        .values_list("status", flat=True)
        .first()
    )


def permit_facts(permit: Permit, **overrides) -> PermitFacts:
    noc = current_noc(permit)
    facts = PermitFacts(
        community=permit.community,
        valid_from=permit.valid_from,
        valid_till=permit.valid_till,
        time_in=permit.time_in,
        time_out=permit.time_out,
        property_id=permit.property_id,
        property_label=str(permit.property),
        units=[permit.main_unit, *permit.additional_units.all()],
        contractor=permit.contractor,
        membership_status=membership_status(permit.contractor_id, permit.community_id),
        noc_expiry=noc.expiry_date if noc else None,
    )
    for name, value in overrides.items():
        setattr(facts, name, value)
    return facts
