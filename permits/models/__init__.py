from .clash import ClashSettings, ExclusiveTypePair, PropertyCapacity
from .decision import PermitDecision
from .feed import CalendarFeed
from .noc import NocVersion
from .permit import Permit, PermitUnit, Vehicle, Worker
from .scan import GateScan, GateScanHour, WorkerPresence

__all__ = [
    "CalendarFeed",
    "ClashSettings",
    "ExclusiveTypePair",
    "GateScan",
    "GateScanHour",
    "NocVersion",
    "Permit",
    "PermitDecision",
    "PermitUnit",
    "PropertyCapacity",
    "Vehicle",
    "Worker",
    "WorkerPresence",
]
