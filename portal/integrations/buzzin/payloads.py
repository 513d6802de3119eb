"""Buzz-In request bodies, built from the portal's current state at send time.

Every **DECISION** of shared/contracts/buzzin.md about what goes into a body lives here (the wire
itself is the client's): changing one of those guesses is a change to this file only.
"""

from __future__ import annotations

import base64
import datetime
from typing import Any

from contractors.choices import DocumentKind
from contractors.models import Contractor, ContractorDocument
from permits.models import NocVersion, Permit

from ..delivery.outcome import PayloadError
from .vocabulary import PERMIT_TYPE_NAMES

DEFAULT_CONTENT_TYPE = "application/pdf"


def iso_utc(moment: datetime.datetime) -> str:
    """``2026-07-01T06:00:00.000Z``: ISO 8601 UTC with milliseconds."""
    moment = moment.astimezone(datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def hh_mm(moment: datetime.time | None) -> str | None:
    return moment.strftime("%H:%M") if moment else None


# Contractors


def contractor_create_body(contractor: Contractor) -> dict[str, Any]:
    company: dict[str, Any] = {"companyName": contractor.company_name}
    licence = current_trade_licence(contractor)
    if licence is not None:
        company["tradeLicense"] = file_descriptor(licence.file, licence.download_name, licence.content_type)
    if contractor.trade_licence_expiry:
        company["tradeLicenseExpiryDate"] = contractor.trade_licence_expiry.isoformat()
    return {
        "name": contractor.contact_name,
        "email": contractor.email,
        "phone": contractor.phone,
        "company": company,
        "integrations": {"damac": {"salesforceId": contractor.reference}},
    }


def current_trade_licence(contractor: Contractor) -> ContractorDocument | None:
    return contractor.documents.filter(kind=DocumentKind.TRADE_LICENCE).order_by("-uploaded_at", "-id").first()


# Permits


def permit_create_body(permit: Permit, noc: NocVersion | None) -> dict[str, Any]:
    """``POST /permits``; ``noc`` is the permit's current NOC version."""
    if noc is None:
        raise PayloadError(f"Permit {permit.reference} has no current NOC to send.")
    return {
        "salesforcePermitId": permit.reference,
        "contractorSalesforceId": permit.contractor.reference,
        "propertyExternalId": permit.property.external_id,
        "flatExternalId": permit.main_unit.external_id,
        "additionalFlatExternalIds": list(permit.additional_units.order_by("pk").values_list("external_id", flat=True)),
        **validity_body(permit),
        "jobsSummary": permit.jobs_summary,
        "permitType": PERMIT_TYPE_NAMES.get(permit.permit_type, permit.permit_type),
        "noc": noc_descriptor(noc),
        **permit_details(permit),
    }


def permit_details(permit: Permit) -> dict[str, Any]:
    """DECISION: ``submit`` needs these and no documented endpoint sets them, so they ride along."""
    employees = [
        {"name": worker.name, "idNumber": worker.id_number, **({"phone": worker.phone} if worker.phone else {})}
        for worker in permit.workers.order_by("pk")
    ]
    vehicles = [{"plate": plate} for plate in live_plates(permit)]
    return {
        "timeIn": hh_mm(permit.time_in),
        "timeOut": hh_mm(permit.time_out),
        "representativeName": permit.representative_name,
        "representativeContact": permit.representative_contact,
        "employees": employees,
        "vehicles": vehicles,
    }


def people_body(permit: Permit) -> dict[str, Any]:
    """The permit's workers (and live vehicles), as ``PATCH /permits/{id}`` takes them when they change."""
    details = permit_details(permit)
    return {"employees": details["employees"], "vehicles": details["vehicles"]}


def live_plates(permit: Permit) -> list[str]:
    return list(
        permit.vehicles.filter(removed_at__isnull=True).order_by("position", "pk").values_list("plate", flat=True)
    )


def validity_body(permit: Permit) -> dict[str, str]:
    return {"validFrom": iso_utc(permit.valid_from), "validTill": iso_utc(permit.valid_till)}


def noc_descriptor(noc: NocVersion) -> dict[str, Any]:
    """DECISION: a stored file travels as base64 (our documents are private); an API link as a URL."""
    if noc.file:
        descriptor = file_descriptor(noc.file, noc.download_name, noc.content_type)
    else:
        descriptor = {"type": "url", "url": noc.document_url}
    return {
        **descriptor,
        "nocNumber": noc.noc_number,
        "issueDate": noc.issue_date.isoformat(),
        "expiryDate": noc.expiry_date.isoformat(),
    }


def file_descriptor(field_file, file_name: str, content_type: str) -> dict[str, str]:
    return {
        "type": "base64",
        "fileName": file_name or "document.pdf",
        "contentType": content_type or DEFAULT_CONTENT_TYPE,
        "data": base64.b64encode(read_stored(field_file)).decode("ascii"),
    }


def read_stored(field_file) -> bytes:
    try:
        with field_file.open("rb") as handle:
            return handle.read()
    except OSError as error:
        raise PayloadError(f"The document {field_file.name} cannot be read from storage: {error}") from None


def noc_version_for(permit: Permit, noc_version_id: int | None) -> NocVersion:
    noc = permit.noc_versions.filter(pk=noc_version_id).first() if noc_version_id else None
    if noc is None:
        raise PayloadError(f"NOC version {noc_version_id} of permit {permit.reference} does not exist.")
    return noc


def revoke_reason(params: dict[str, Any]) -> str | None:
    reason = params.get("reason")
    return reason.strip() if isinstance(reason, str) and reason.strip() else None
