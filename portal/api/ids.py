"""The ids the API answers with, and how a path or body id is matched.

- ``_id`` of a permit: ``Permit.reference`` (18 characters, e.g. ``a1PbX3...``); ``GET/PATCH /permits/{id}``
  and ``PATCH /passes/{id}`` also accept the CRM's ``salesforcePermitId`` and the permit's Buzz-In id.
- ``_id`` of a contractor (``communityContractorId``): ``Contractor.reference``; also accepted: the
  contractor's Buzz-In id in the key's community.
- ``propertyId`` / ``flatId`` / community ids: the Buzz-In id the portal holds, else a stable 24-hex id
  derived from the row (SHA-1 of ``"<kind>:<pk>"``). The Buzz-In sandbox's catalogue (``sandboxes/catalogue.py``)
  uses the same ids.
"""

from __future__ import annotations

from portal.core.models import Community, Property, Unit
from portal.integrations.buzzin.ids import buzzin_object_id, derived_object_id

__all__ = ["community_id", "derived_object_id", "property_id", "unit_id", "usable_lookup_id"]


def community_id(community: Community) -> str:
    return buzzin_object_id(community)


def property_id(prop: Property) -> str:
    return buzzin_object_id(prop)


def unit_id(unit: Unit) -> str:
    return buzzin_object_id(unit)


def usable_lookup_id(value: str) -> bool:
    """Ids are short printable strings; anything else matches nothing (and never reaches the database)."""
    return bool(value) and len(value) <= 64 and value.isprintable()
