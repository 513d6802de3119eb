"""The partners' settings and ids for the portal's places, and what the partners hold of a permit or company.

Operators set a community's Buzz-In id and key, and the Buzz-In ids of towers and units, here; the
domain pages (community, property, unit) know nothing of them. The permit and membership pages get a
"partners" section through ``admin_panel``: the partners' ids and states, and every push with its state.
"""

from __future__ import annotations

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from permits.models import Permit, Vehicle
from portal.core.admin_panels import Panel, admin_panel
from portal.core.admin_scoping import CommunityScopedAdminMixin
from portal.core.admin_secrets import SecretFieldsAdminMixin
from portal.core.scoping import is_operator

from ..buzzin.ids import held_buzzin_id
from ..buzzin.models import BuzzinCommunity, BuzzinMembership, BuzzinPermit, BuzzinProperty, BuzzinUnit
from ..delivery.selectors import permit_deliveries
from ..opscom.models import OpscomParking


@admin.register(BuzzinCommunity)
class BuzzinCommunityAdmin(SecretFieldsAdminMixin, CommunityScopedAdminMixin, admin.ModelAdmin):
    """The key is write-only: shown as "set, ends in …1a2b" at most, replaced by typing a new one."""

    secret_fields = ("api_key",)
    fields = ["community", "buzzin_id", "api_key"]
    list_display = ["community", "buzzin_id", "api_key_status"]
    list_select_related = ["community"]

    def has_add_permission(self, request):
        return is_operator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_operator(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BuzzinProperty)
class BuzzinPropertyAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    community_path = "property__community"
    list_display = ["property", "buzzin_id"]
    list_select_related = ["property__community"]
    search_fields = ["property__name", "property__external_id", "buzzin_id"]
    autocomplete_fields = ["property"]


@admin.register(BuzzinUnit)
class BuzzinUnitAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    community_path = "unit__property__community"
    list_display = ["unit", "buzzin_id"]
    list_select_related = ["unit__property"]
    search_fields = ["unit__external_id", "buzzin_id"]
    autocomplete_fields = ["unit"]


@admin_panel("permits.permit", order=900)
def permit_partners_panel(request, permit: Permit) -> Panel | None:
    if not request.user.has_perm("integrations.view_outbounddelivery"):
        return None
    vehicles = list(Vehicle.objects.filter(permit=permit).values_list("pk", "plate"))
    references = dict(
        OpscomParking.objects.filter(vehicle_id__in=[pk for pk, _ in vehicles]).values_list(
            "vehicle_id", "reference_id"
        )
    )
    context = {
        "buzzin": BuzzinPermit.objects.filter(permit=permit).first(),
        "parking": [(plate, references.get(pk, "")) for pk, plate in vehicles],
        "deliveries": permit_deliveries(permit.pk, [pk for pk, _ in vehicles]),
    }
    html = render_to_string("admin/integrations/permit_partners.html", context, request=request)
    return Panel(
        id="partner-deliveries", title=_("Partners: Buzz-In and OPS-COM"), html=mark_safe(html), collapsed=True
    )


@admin_panel("contractors.contractormembership", order=900)
def membership_partners_panel(request, membership) -> Panel | None:
    link = BuzzinMembership.objects.filter(membership=membership).first()
    context = {"link": link, "company_id": held_buzzin_id(membership.contractor)}
    html = render_to_string("admin/integrations/membership_partners.html", context, request=request)
    return Panel(id="partner-state", title=_("At Buzz-In"), html=mark_safe(html), collapsed=True)
