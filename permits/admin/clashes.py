"""Clashes in the admin: the community's clash settings, the section of the permit page, the "has clashes" filter."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.admin_scoping import CommunityScopedAdminMixin, ScopedInlineMixin
from portal.core.scoping import managed_community_ids

from ..choices import PermitStatus
from ..clashes import ClashKind
from ..models import ClashSettings, ExclusiveTypePair, Permit, PropertyCapacity
from ..rules import Stage
from ..selectors.clashes import LIVE_STATUSES, clashing_permit_ids, permit_clashes

KIND_LABELS = {
    ClashKind.EXCLUSIVE: _("Same unit"),
    ClashKind.CAPACITY: _("Building capacity"),
    ClashKind.ADJACENT: _("Next door"),
}
SECTION_STATUSES = (PermitStatus.DRAFT, PermitStatus.CHANGES_REQUESTED, *LIVE_STATUSES)


class ExclusiveTypePairInline(ScopedInlineMixin, admin.TabularInline):
    model = ExclusiveTypePair
    extra = 1


class PropertyCapacityInline(ScopedInlineMixin, admin.TabularInline):
    model = PropertyCapacity
    extra = 1


@admin.register(ClashSettings)
class ClashSettingsAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    list_display = ["community", "warn_adjacent_units", "unit_digits_per_floor"]
    list_select_related = ["community"]
    inlines = [ExclusiveTypePairInline, PropertyCapacityInline]

    def get_readonly_fields(self, request, obj=None):
        return ["community"] if obj is not None else []


def clash_section(request, permit: Permit) -> dict:
    """The permit's clashes with the other live permits of its building, each linked; the override when it applies.

    Rendered on the decision page by ``{% permit_clashes %}`` (permits/templatetags/permit_clashes.py).
    """
    if permit.status not in SECTION_STATUSES:
        return {"rows": []}
    clashes = permit_clashes(permit)
    if not clashes:
        return {"rows": []}
    references = {ref for clash in clashes for ref in clash.others}
    found = Permit.objects.filter(reference__in=references, community=permit.community)
    ids = dict(found.values_list("reference", "pk"))
    rows = [
        {
            "kind": KIND_LABELS[clash.kind],
            "refuses": clash.kind == ClashKind.EXCLUSIVE,
            "message": clash.message,
            "links": [(ref, _change_url(ids[ref])) for ref in clash.others if ref in ids],
        }
        for clash in clashes
    ]
    over_capacity = permit.status == PermitStatus.SUBMITTED and any(
        clash.kind == ClashKind.CAPACITY for clash in permit_clashes(permit, stage=Stage.APPROVE)
    )
    may_override = over_capacity and request.user.has_perm("permits.change_permit")
    override_url = reverse("admin:permits_permit_approve_over_capacity", args=[permit.pk]) if may_override else ""
    return {"rows": rows, "override_url": override_url}


def _change_url(pk: int) -> str:
    return reverse("admin:permits_permit_change", args=[pk])


class HasClashesFilter(admin.SimpleListFilter):
    """Live permits clashing with another of their building: one fixed set of queries, only when chosen."""

    title = _("clashes")
    parameter_name = "clashes"

    def lookups(self, request, model_admin):
        return [("yes", _("Has clashes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=clashing_permit_ids(managed_community_ids(request.user)))
        return queryset
