from django import template

from ..badges import status_badge as _status_badge

register = template.Library()


@register.simple_tag
def status_badge(permit_or_status, label=None):
    """``{% status_badge permit %}`` or ``{% status_badge "submitted" "Submitted" %}``."""
    if hasattr(permit_or_status, "get_status_display"):
        return _status_badge(permit_or_status.status, permit_or_status.get_status_display())
    return _status_badge(permit_or_status, label)
