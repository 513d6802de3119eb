"""Review filters of the permit changelist (community, property and contractor are scoped filters)."""

from django.contrib import admin
from django.db.models import Exists, OuterRef

from ..models import NocVersion
from ..selectors.admin import ends_within_q, noc_expires_before_end, starts_within_q

SOON_DAYS = 7


class StartsSoonFilter(admin.SimpleListFilter):
    title = "starts"
    parameter_name = "starts"

    def lookups(self, request, model_admin):
        return [("7d", f"Within {SOON_DAYS} days")]

    def queryset(self, request, queryset):
        if self.value() == "7d":
            return queryset.filter(starts_within_q(SOON_DAYS))
        return queryset


class EndsSoonFilter(admin.SimpleListFilter):
    title = "expires"
    parameter_name = "expires"

    def lookups(self, request, model_admin):
        return [("7d", f"Within {SOON_DAYS} days")]

    def queryset(self, request, queryset):
        if self.value() == "7d":
            return queryset.filter(ends_within_q(SOON_DAYS))
        return queryset


class NocCoverageFilter(admin.SimpleListFilter):
    title = "NOC"
    parameter_name = "noc"

    def lookups(self, request, model_admin):
        return [("short", "Expires before the permit ends"), ("missing", "No current NOC")]

    def queryset(self, request, queryset):
        if self.value() == "short":
            return noc_expires_before_end(queryset)
        if self.value() == "missing":
            current = NocVersion.objects.filter(permit=OuterRef("pk"), is_current=True)
            return queryset.filter(~Exists(current))
        return queryset
