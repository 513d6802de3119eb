from .decision import PermitDecision
from .noc import NocVersion
from .permit import Permit, PermitUnit, Vehicle, Worker
from .scan import GateScan

__all__ = ["GateScan", "NocVersion", "Permit", "PermitDecision", "PermitUnit", "Vehicle", "Worker"]
