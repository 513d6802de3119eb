"""The "Needs attention" section of the permit and membership pages: what was refused, and who must act."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal.core.admin_dashboard import admin_url
from portal.core.admin_panels import Panel, admin_panel

from ..selectors.contractor import Attention, permit_attention


def _panel(request, attention: Attention | None, *, contractor_id: int, target: str, target_id: int) -> Panel | None:
    if attention is None:
        return None
    context = {
        "attention": attention,
        "contact_url": reverse("admin:contractors_contractor_contact", args=[contractor_id]),
        "deliveries_url": admin_url(
            "integrations_outbounddelivery_changelist",
            query=f"state__exact=failed&target_type={target}&target_id={target_id}",
        ),
    }
    html = render_to_string("admin/includes/needs_attention.html", context, request=request)
    return Panel(id="needs-attention", title=_("Needs attention"), html=mark_safe(html))


def permit_attention_panel(request, permit) -> Panel | None:
    """On top of the permit's decision page (not folded away with the partners' panels)."""
    return _panel(
        request, permit_attention(permit), contractor_id=permit.contractor_id, target="permit", target_id=permit.pk
    )


@admin_panel("contractors.contractormembership", order=1)
def membership_attention_panel(request, membership) -> Panel | None:
    if membership.attention_since is None:
        return None
    attention = Attention(membership.attention_text, membership.attention_by, membership.attention_since, True)
    return _panel(
        request,
        attention,
        contractor_id=membership.contractor_id,
        target="contractormembership",
        target_id=membership.pk,
    )
