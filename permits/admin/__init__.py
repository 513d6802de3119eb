"""The permit admin, one module per concern: the review list and page (``permit``), its filters,
bulk actions, decision buttons (``views``), inlines, CSV export, contractor memberships and the
dashboard panels."""

from . import (  # noqa: F401
    attention,
    calendar,
    clashes,
    dashboard,
    deadlines,
    memberships,
    permit,
    scans,
    service_levels,
)
