from .audit import AuditEvent, NotificationLog
from .community import ApiKey, BlackoutDate, Community, Property, StaffMembership, Unit
from .outbox import DeliveryAttempt, OutboundDelivery

__all__ = [
    "ApiKey",
    "AuditEvent",
    "BlackoutDate",
    "Community",
    "DeliveryAttempt",
    "NotificationLog",
    "OutboundDelivery",
    "Property",
    "StaffMembership",
    "Unit",
]
