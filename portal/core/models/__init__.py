from .audit import AuditEvent
from .community import ApiKey, BlackoutDate, Community, Property, StaffMembership, Unit
from .language import LanguagePreference

__all__ = [
    "ApiKey",
    "AuditEvent",
    "BlackoutDate",
    "Community",
    "LanguagePreference",
    "Property",
    "StaffMembership",
    "Unit",
]
