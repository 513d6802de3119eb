"""OPS-COM request arguments, built from the portal's current state at send time.

Every **DECISION** of shared/contracts/opscom.md about what a parking permit says lives here (the
wire format is the client's): zone, permit number, fee, time zone.
"""

from __future__ import annotations

from typing import Any

from permits.models import Vehicle

from ..delivery.outcome import CONFIGURATION, PayloadError


def push_arguments(vehicle: Vehicle) -> dict[str, Any]:
    """Keyword arguments of ``OpscomClient.push_permit`` for one vehicle of a permit."""
    permit = vehicle.permit
    community = permit.community
    zone = permit.property.effective_parking_zone
    if not zone:
        raise PayloadError(
            f"No OPS-COM parking zone is set for {permit.property} nor for {community}.", kind=CONFIGURATION
        )
    arguments = {
        "plate": vehicle.plate,
        "start": permit.valid_from,
        "end": permit.valid_till,
        "zone": zone,
        "permit_no": permit_number(vehicle),
        "tz_name": community.time_zone,
    }
    # DECISION: a fee only when the community charges one; a currency without an amount means nothing.
    if community.parking_fee is not None and community.parking_fee > 0:
        arguments["amount"] = community.parking_fee
        if community.parking_currency:
            arguments["currency"] = community.parking_currency
    return arguments


def update_arguments(vehicle: Vehicle, reference_id: str) -> dict[str, Any]:
    """``OpscomClient.update_permit``: the end and the plate (OPS-COM's update has no start)."""
    permit = vehicle.permit
    return {
        "reference_id": reference_id,
        "end": permit.valid_till,
        "plate": vehicle.plate,
        "tz_name": permit.community.time_zone,
    }


def permit_number(vehicle: Vehicle) -> str:
    """DECISION: the pass number (or, before there is one, the permit reference) and the vehicle's position."""
    permit = vehicle.permit
    return f"{permit.pass_number or permit.reference}-{vehicle.position}"
