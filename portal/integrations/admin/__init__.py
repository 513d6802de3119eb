"""Admin pages of the integrations layer: one module per concern."""

from . import deliveries, inbound  # noqa: F401
