"""A permit's status as a coloured badge: one colour per status, the same on every page.

The colours are ``static/portal/status.css`` (``.status-badge--<status>``); admin pages, contractor
pages and the pass all render the badge through ``status_badge`` (or the ``{% status_badge %}`` tag).
"""

from __future__ import annotations

from django.utils.html import format_html

from .choices import PermitStatus


def status_badge(status: str, label: str | None = None):
    label = label if label is not None else PermitStatus(status).label if status in PermitStatus.values else status
    return format_html('<span class="status-badge status-badge--{}">{}</span>', status, label)
