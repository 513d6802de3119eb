from .audit import AuditEvent
from .community import ApiKey, BlackoutDate, Community, Property, StaffMembership, Unit

__all__ = [
    "ApiKey",
    "AuditEvent",
    "BlackoutDate",
    "Community",
    "Property",
    "StaffMembership",
    "Unit",
]
