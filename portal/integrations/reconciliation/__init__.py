"""Reconciliation: compare the portal with Buzz-In and OPS-COM, record drifts, repair them via the outbox."""

from .kinds import DriftKind
from .repair import drift_repair, repair_operations
from .runner import ReconcileResult, reconcile

__all__ = ["DriftKind", "ReconcileResult", "drift_repair", "reconcile", "repair_operations"]
