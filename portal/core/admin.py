from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from . import admin_dashboard, admin_holidays  # noqa: F401  (the failed-deliveries panel; the holidays admin)
from .admin_scoping import CommunityScopedAdminMixin, ReadOnlyAdminMixin, ScopedInlineMixin
from .models import AuditEvent, BlackoutDate, Community, Property, PublicHoliday, StaffMembership, Unit
from .scoping import is_operator

admin.site.site_header = _("Permit portal administration")
admin.site.site_title = _("Permit portal")


class BlackoutDateInline(ScopedInlineMixin, admin.TabularInline):
    model = BlackoutDate
    extra = 0


class PublicHolidayInline(ScopedInlineMixin, admin.TabularInline):
    model = PublicHoliday
    extra = 0


@admin.register(Community)
class CommunityAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    community_path = "id"
    list_display = ["name", "time_zone", "parking_zone", "work_day_start", "work_day_end"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BlackoutDateInline, PublicHolidayInline]
    deadline_fields = [
        "weekend",
        ("decision_deadline", "decision_deadline_unit"),
        ("extension_deadline", "extension_deadline_unit"),
    ]

    def get_fieldsets(self, request, obj=None):
        """Every other field as Django lists it, then the decision deadlines together."""
        grouped = {name for row in self.deadline_fields for name in ((row,) if isinstance(row, str) else row)}
        rest = [name for name in self.get_fields(request, obj) if name not in grouped]
        deadlines = {
            "fields": self.deadline_fields,
            "description": _(
                "Working time to decide, counted in the community's working hours (work day start to end), without "
                "the weekend and the public holidays below. 0 working days: by the end of the day it was received."
            ),
        }
        return [(None, {"fields": rest}), (_("Decision deadlines"), deadlines)]

    def has_add_permission(self, request):
        return is_operator(request.user) and super().has_add_permission(request)


@admin.register(Property)
class PropertyAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "external_id", "community", "parking_zone"]
    list_filter = ["community"]
    list_select_related = ["community"]
    search_fields = ["name", "external_id"]


@admin.register(Unit)
class UnitAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    community_path = "property__community"
    list_display = ["external_id", "name", "property_name", "community_name"]
    list_filter = ["property__community", "property"]
    list_select_related = ["property__community"]
    search_fields = ["external_id", "name", "property__name"]
    autocomplete_fields = ["property"]

    @admin.display(description=_("property"), ordering="property__name")
    def property_name(self, unit):
        return unit.property.name

    @admin.display(description=_("community"), ordering="property__community__name")
    def community_name(self, unit):
        return unit.property.community.name


@admin.register(StaffMembership)
class StaffMembershipAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "community", "role", "is_lead"]
    list_filter = ["community", "role", "is_lead"]
    list_select_related = ["user", "community"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, CommunityScopedAdminMixin, admin.ModelAdmin):
    """Append-only: nobody adds, edits or deletes audit events, here or in the database (``audit_guard``).

    The actor's label says who acted even after their account was deleted; the ids stay on the row.
    """

    list_display = ["at", "action", "target_type", "target_id", "from_status", "to_status", "actor_label"]
    list_filter = ["action", "target_type", "community"]
    search_fields = ["target_id", "actor_label", "reason"]
    date_hierarchy = "at"
    show_full_result_count = False
    fields = [
        "at",
        "action",
        "target_type",
        "target_id",
        "from_status",
        "to_status",
        "reason",
        "data",
        "actor_label",
        "actor_record",
        "community_record",
    ]
    readonly_fields = fields

    @admin.display(description=_("user account"))
    def actor_record(self, event):
        return _record_or_deleted(get_user_model(), event.actor_id, "user")

    @admin.display(description=_("community"))
    def community_record(self, event):
        return _record_or_deleted(Community, event.community_id, "community")


def _record_or_deleted(model, pk: int | None, noun: str) -> str:
    if pk is None:
        return "—"
    record = model._default_manager.filter(pk=pk).first()
    return f"{record} ({noun} #{pk})" if record is not None else f"{noun} #{pk} (deleted)"
