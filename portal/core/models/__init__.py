from .audit import AuditEvent
from .community import ApiKey, BlackoutDate, Community, Property, PublicHoliday, StaffMembership, Unit

__all__ = [
    "ApiKey",
    "AuditEvent",
    "BlackoutDate",
    "Community",
    "Property",
    "PublicHoliday",
    "StaffMembership",
    "Unit",
]
