"""Admin pages of the integrations layer: one module per concern."""

from . import deliveries, drifts, inbound, partners  # noqa: F401
