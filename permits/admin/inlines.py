"""Read-only inlines of the permit page: what is on the permit, shown; changed only through services."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from portal.core.admin_scoping import ReadOnlyInlineMixin, ScopedInlineMixin, link_or_dash

from ..models import GateScan, NocVersion, Vehicle, Worker

LATEST_SCANS = 50


class NocVersionInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = NocVersion
    verbose_name_plural = _("NOC versions (newest first)")
    fields = ["version", "is_current", "noc_number", "issue_date", "expiry_date", "document", "uploaded_by_label"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-version")

    @admin.display(description=_("document"))
    def document(self, noc):
        return link_or_dash("documents:noc", {"pk": noc.pk}, noc.download_name)


class WorkerInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = Worker
    fields = ["name", "id_number", "phone"]
    readonly_fields = fields


class VehicleInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = Vehicle
    fields = ["position", "plate", "parking_state", "parking_error", "removed_at"]
    readonly_fields = fields


class LatestScansFormSet(BaseInlineFormSet):
    def get_queryset(self):
        return super().get_queryset()[:LATEST_SCANS]


class GateScanInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = GateScan
    formset = LatestScansFormSet
    verbose_name_plural = f"gate scans (latest {LATEST_SCANS})"
    fields = ["scanned_at", "kind", "direction", "gate", "employee_name"]
    readonly_fields = fields
