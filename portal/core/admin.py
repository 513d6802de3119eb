from django.contrib import admin

from .models import ApiKey, AuditEvent, BlackoutDate, Community, Property, StaffMembership, Unit


class BlackoutDateInline(admin.TabularInline):
    model = BlackoutDate
    extra = 0


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "buzzin_community_id", "parking_zone", "work_day_start", "work_day_end"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BlackoutDateInline]


@admin.register(Property)
class PropertyAdmin(admin.ModelAdmin):
    list_display = ["name", "external_id", "community", "parking_zone", "buzzin_id"]
    list_filter = ["community"]
    list_select_related = ["community"]
    search_fields = ["name", "external_id"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["external_id", "name", "property"]
    list_filter = ["property__community"]
    list_select_related = ["property"]
    search_fields = ["external_id", "name", "property__name"]
    autocomplete_fields = ["property"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "role"]
    list_filter = ["community", "role"]
    list_select_related = ["user", "community"]
    search_fields = ["user__username", "user__email"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Append-only: nobody adds, edits or deletes audit events through the application."""

    list_display = ["at", "action", "target_type", "target_id", "from_status", "to_status", "actor_label"]
    list_filter = ["action", "target_type", "community"]
    search_fields = ["target_id", "actor_label", "reason"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "community", "created_at", "revoked_at", "last_used_at"]
    list_filter = ["community"]
    readonly_fields = ["prefix", "key_hash", "created_at", "created_by", "revoked_at", "last_used_at"]
