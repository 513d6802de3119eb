from django.contrib import admin

from .models import GateScan, NocVersion, Permit, Vehicle, Worker


class WorkerInline(admin.TabularInline):
    model = Worker
    extra = 0


class VehicleInline(admin.TabularInline):
    model = Vehicle
    extra = 0
    fields = ["position", "plate", "parking_state", "parking_reference", "removed_at"]
    readonly_fields = ["parking_state", "parking_reference", "removed_at"]


class NocVersionInline(admin.TabularInline):
    model = NocVersion
    extra = 0
    can_delete = False
    fields = ["version", "is_current", "noc_number", "issue_date", "expiry_date", "uploaded_by_label", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Permit)
class PermitAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "main_unit",
        "contractor",
        "permit_type",
        "status",
        "valid_from",
        "valid_till",
        "submitted_at",
    ]
    list_filter = ["status", "community", "permit_type"]
    list_select_related = ["main_unit", "contractor"]
    search_fields = [
        "reference",
        "main_unit__external_id",
        "contractor__company_name",
        "vehicles__plate",
        "workers__name",
    ]
    readonly_fields = [
        "reference",
        "status",
        "status_changed_at",
        "submitted_at",
        "buzzin_id",
        "buzzin_status",
        "pass_number",
        "access_code",
        "pass_issued_at",
    ]
    raw_id_fields = ["contractor", "property", "main_unit"]
    inlines = [WorkerInline, VehicleInline, NocVersionInline]


@admin.register(GateScan)
class GateScanAdmin(admin.ModelAdmin):
    list_display = ["permit", "kind", "scanned_at", "direction", "gate", "employee_name"]
    list_select_related = ["permit"]
    search_fields = ["permit__reference", "gate", "employee_name"]
