from django.contrib import admin

from ..models import Drift, InboundEvent


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    list_display = ["received_at", "event", "event_id", "verification", "state", "result"]
    list_filter = ["event", "state"]
    search_fields = ["event_id"]
    readonly_fields = [field.name for field in InboundEvent._meta.fields]


@admin.register(Drift)
class DriftAdmin(admin.ModelAdmin):
    list_display = ["detected_at", "kind", "target_type", "target_id", "community", "resolved_at"]
    list_filter = ["kind", "community"]
