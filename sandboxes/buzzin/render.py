"""JSON shapes the sandbox answers and sends, kept next to each other so they match the contract."""

from __future__ import annotations

from typing import Any

from .model import DEAD_STATUSES, REMOVED, Community, Contractor, Noc, Permit
from .rules import format_datetime


def contractor_answer(contractor: Contractor, community_id: str) -> dict[str, Any]:
    """The contractor as the API answers it to one community's key: ``approved`` is its standing there."""
    trade_license = {"publicUrl": contractor.trade_license_url} if contractor.trade_license_url else None
    return {
        "_id": contractor.id,
        "name": contractor.name,
        "email": contractor.email,
        "phone": contractor.phone,
        "approved": contractor.active_in(community_id),
        "communitiesIds": contractor.communities_ids,
        "company": {"companyName": contractor.company_name, "tradeLicense": trade_license},
    }


def contractor_state(contractor: Contractor) -> dict[str, Any]:
    """Control API: ``communityId``, ``approved`` and ``removed`` speak of the community it was created in;
    ``communities`` gives its standing in every community it belongs or belonged to."""
    home = contractor.home_community_id
    return {
        **contractor_answer(contractor, home),
        "communityId": home,
        "salesforceId": contractor.salesforce_id,
        "removed": contractor.standing_in(home) == REMOVED,
        "communities": dict(contractor.standing),
    }


def contractor_event_data(contractor: Contractor) -> dict[str, Any]:
    return {"communityContractorId": contractor.id, "salesforceId": contractor.salesforce_id}


def permit_created(permit: Permit) -> dict[str, Any]:
    """Exactly the 201 body of ``POST /permits`` in the contract."""
    damac: dict[str, Any] = {"salesforceId": permit.salesforce_permit_id}
    if permit.noc is not None:
        damac["noc"] = {"document": {"publicUrl": permit.noc.public_url}, "nocNumber": permit.noc.noc_number}
    return {
        "_id": permit.id,
        "status": permit.status,
        "communityContractorId": permit.contractor_id,
        "propertyId": permit.property_id,
        "flatId": permit.flat_id,
        "validFrom": format_datetime(permit.valid_from),
        "validTill": format_datetime(permit.valid_till),
        "integrations": {"damac": damac},
    }


def permit_detail(permit: Permit) -> dict[str, Any]:
    """``GET /permits/{id}``: the create shape plus status name, pass number, access code, NOC history."""
    body = permit_created(permit)
    body.update({"statusName": permit.status_name, "passNumber": permit.pass_number, "accessCode": permit.access_code})
    damac = body["integrations"]["damac"]
    if permit.noc is not None:
        damac["noc"] = noc_view(permit.noc)
    damac["nocHistory"] = [noc_view(noc) for noc in permit.noc_history]
    return body


def noc_view(noc: Noc) -> dict[str, Any]:
    view = {
        "document": {"publicUrl": noc.public_url},
        "nocNumber": noc.noc_number,
        "issueDate": noc.issue_date,
        "expiryDate": noc.expiry_date,
    }
    if noc.replaced_at is not None:
        view["replacedAt"] = format_datetime(noc.replaced_at)
    return view


def permit_state(permit: Permit) -> dict[str, Any]:
    """Everything the sandbox holds about a permit (control API only)."""
    return {
        **permit_detail(permit),
        "communityId": permit.community_id,
        "salesforcePermitId": permit.salesforce_permit_id,
        "additionalFlatIds": permit.additional_flat_ids,
        "timeIn": permit.time_in,
        "timeOut": permit.time_out,
        "representativeName": permit.representative_name,
        "representativeContact": permit.representative_contact,
        "employees": permit.employees,
        "vehicles": permit.vehicles,
        "permitType": permit.permit_type,
        "jobsSummary": permit.jobs_summary,
        "qrToken": permit.qr_token,
        "qrImageUrl": permit.qr_image_url,
        "permitDocumentationUrl": permit.permit_documentation_url,
        "revokeReason": permit.revoke_reason,
        "scans": permit.scans,
    }


def pass_issued_data(permit: Permit) -> dict[str, Any]:
    """``data`` of ``passes.permits.issued``: every field the contract publishes."""
    return {
        "permitId": permit.id,
        "passNumber": permit.pass_number,
        "status": permit.status,
        "statusName": permit.status_name,
        "type": "permits",
        "permitType": permit.permit_type,
        "communityId": permit.community_id,
        "propertyId": permit.property_id,
        "flatId": permit.flat_id,
        "communityContractorId": permit.contractor_id,
        "salesforceId": permit.salesforce_permit_id,
        "validFrom": format_datetime(permit.valid_from),
        "validTill": format_datetime(permit.valid_till),
        "accessCode": permit.access_code,
        "qrToken": permit.qr_token,
        "qrImageBase64": permit.qr_image_base64,
        "qrImageUrl": permit.qr_image_url,
        "permitDocumentationUrl": permit.permit_documentation_url,
    }


def pass_updated_data(permit: Permit) -> dict[str, Any]:
    """``data`` of ``passes.permits.updated``: the issued shape without the image; a dead pass has no code."""
    data = pass_issued_data(permit)
    del data["qrImageBase64"]
    if permit.status in DEAD_STATUSES:
        for key in ("accessCode", "qrToken", "qrImageUrl"):
            del data[key]
    if permit.revoke_reason:
        data["reason"] = permit.revoke_reason
    return data


def validity_event_data(permit: Permit) -> dict[str, Any]:
    return {"permitId": permit.id, "validTill": format_datetime(permit.valid_till)}


def community_view(community: Community) -> dict[str, Any]:
    return {
        "communityId": community.id,
        "name": community.name,
        "apiKey": community.api_key,
        "properties": [
            {
                "externalId": prop.external_id,
                "_id": prop.id,
                "flats": [{"externalId": flat.external_id, "_id": flat.id} for flat in prop.flats],
            }
            for prop in community.properties
        ],
    }
