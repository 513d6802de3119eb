"""The sandbox's records: communities with their catalogue, contractors, permits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DRAFT = 10
ACCEPTED = 1
# Buzz-In documents only 10 and 1; the other numbers are the sandbox's own (statusName is always sent).
SUBMITTED = 11
REVOKED = 3
ARCHIVED = 4
EXPIRED = 5
STATUS_NAMES = {
    DRAFT: "DRAFT",
    SUBMITTED: "SUBMITTED",
    ACCEPTED: "ACCEPTED",
    REVOKED: "REVOKED",
    ARCHIVED: "ARCHIVED",
    EXPIRED: "EXPIRED",
}
DEAD_STATUSES = frozenset({REVOKED, ARCHIVED, EXPIRED})


def new_object_id() -> str:
    return secrets.token_hex(12)


@dataclass
class Flat:
    external_id: str
    id: str


@dataclass
class Property:
    external_id: str
    id: str
    flats: list[Flat] = field(default_factory=list)

    def find_flat(self, *, external_id: str | None = None, flat_id: str | None = None) -> Flat | None:
        for flat in self.flats:
            if (flat_id and flat.id == flat_id) or (external_id and flat.external_id == external_id):
                return flat
        return None


@dataclass
class Community:
    id: str
    api_key: str
    name: str = ""
    properties: list[Property] = field(default_factory=list)

    def find_property(self, *, external_id: str | None = None, property_id: str | None = None) -> Property | None:
        for prop in self.properties:
            if (property_id and prop.id == property_id) or (external_id and prop.external_id == external_id):
                return prop
        return None


PENDING = "pending"
APPROVED = "approved"
REMOVED = "removed"


@dataclass
class Contractor:
    """Global at Buzz-In (its e-mail is unique across Buzz-In); its standing is per community.

    ``standing`` maps a community id to ``pending``, ``approved`` or ``removed``. A create attaches the
    contractor to the key's community only (``home_community_id``); an approve with another community's
    key attaches it there too, a revoke detaches that community alone.
    """

    id: str
    home_community_id: str
    name: str
    email: str
    phone: str
    company_name: str
    salesforce_id: str | None = None
    trade_license_url: str | None = None
    standing: dict[str, str] = field(default_factory=dict)

    def standing_in(self, community_id: str) -> str | None:
        return self.standing.get(community_id)

    def active_in(self, community_id: str) -> bool:
        return self.standing.get(community_id) == APPROVED

    @property
    def communities_ids(self) -> list[str]:
        """The communities it belongs to (pending or approved), as Buzz-In's ``communitiesIds``."""
        return [community_id for community_id, standing in self.standing.items() if standing != REMOVED]


@dataclass
class Noc:
    public_url: str
    noc_number: str | None = None
    issue_date: str | None = None
    expiry_date: str | None = None
    file_name: str | None = None
    replaced_at: datetime | None = None


@dataclass
class Permit:
    id: str
    community_id: str
    salesforce_permit_id: str | None
    contractor_id: str
    property_id: str
    flat_id: str
    valid_from: datetime
    valid_till: datetime
    additional_flat_ids: list[str] = field(default_factory=list)
    status: int = DRAFT
    time_in: str | None = None
    time_out: str | None = None
    representative_name: str | None = None
    representative_contact: str | None = None
    employees: list[dict[str, Any]] = field(default_factory=list)
    vehicles: list[dict[str, Any]] = field(default_factory=list)
    permit_type: str | None = None
    jobs_summary: str | None = None
    noc: Noc | None = None
    noc_history: list[Noc] = field(default_factory=list)
    pass_number: str | None = None
    access_code: str | None = None
    qr_token: str | None = None
    qr_image_base64: str | None = None
    qr_image_url: str | None = None
    permit_documentation_url: str | None = None
    pass_revision: int = 0
    revoke_reason: str | None = None
    scans: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, "UNKNOWN")
