from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..badges import status_badge as _status_badge

register = template.Library()


@register.simple_tag
def status_badge(permit_or_status, label=None):
    """``{% status_badge permit %}`` or ``{% status_badge "submitted" "Submitted" %}``.

    A permit whose first day is still to come reads "Starts on <day>", never "Active"; a permit
    archived by a revocation reads "Revoked"."""
    if not hasattr(permit_or_status, "get_status_display"):
        return _status_badge(permit_or_status, label)
    permit = permit_or_status
    if permit.not_started:
        day = date_format(timezone.localtime(permit.valid_from, permit.community.tzinfo), "DATE_FORMAT")
        return _status_badge("starts", _("Starts on %(day)s") % {"day": day})
    if permit.status == "archived" and permit.revocation_reason:
        return _status_badge("revoked", _("Revoked"))
    return _status_badge(permit.status)  # the label from the enum, as every badge
