from .audit import AuditEvent
from .community import ApiKey, BlackoutDate, Community, Property, PublicHoliday, StaffMembership, Unit
from .language import LanguagePreference

__all__ = [
    "ApiKey",
    "AuditEvent",
    "BlackoutDate",
    "Community",
    "LanguagePreference",
    "Property",
    "PublicHoliday",
    "StaffMembership",
    "Unit",
]
