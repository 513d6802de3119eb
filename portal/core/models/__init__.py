from .audit import AuditEvent, NotificationLog
from .community import ApiKey, BlackoutDate, Community, Property, StaffMembership, Unit

__all__ = [
    "ApiKey",
    "AuditEvent",
    "BlackoutDate",
    "Community",
    "NotificationLog",
    "Property",
    "StaffMembership",
    "Unit",
]
