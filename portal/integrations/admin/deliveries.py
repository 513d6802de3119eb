from django.contrib import admin

from portal.core.models import DeliveryAttempt, OutboundDelivery


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["started_at", "duration_ms", "status_code", "outcome", "request_summary", "response_excerpt", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboundDelivery)
class OutboundDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "partner",
        "operation",
        "target_type",
        "target_id",
        "state",
        "attempt_count",
        "last_error",
        "created_at",
    ]
    list_filter = ["partner", "operation", "state", "community"]
    search_fields = ["target_id", "sequence_key", "last_error"]
    readonly_fields = [field.name for field in OutboundDelivery._meta.fields]
    inlines = [DeliveryAttemptInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
