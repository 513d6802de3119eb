from .noc import NocVersion
from .permit import Permit, PermitUnit, Vehicle, Worker
from .scan import GateScan, GateScanHour

__all__ = ["GateScan", "GateScanHour", "NocVersion", "Permit", "PermitUnit", "Vehicle", "Worker"]
