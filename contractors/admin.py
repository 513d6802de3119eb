from django.contrib import admin

from .models import Contractor, ContractorDocument, ContractorMembership, ContractorUser


class MembershipInline(admin.TabularInline):
    model = ContractorMembership
    extra = 0
    fields = ["community", "status", "status_changed_at", "buzzin_id", "buzzin_state"]
    readonly_fields = ["status", "status_changed_at", "buzzin_id", "buzzin_state"]


class DocumentInline(admin.TabularInline):
    model = ContractorDocument
    extra = 0
    can_delete = False
    fields = ["kind", "number", "expiry_date", "original_name", "uploaded_at", "uploaded_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class UserInline(admin.TabularInline):
    model = ContractorUser
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Contractor)
class ContractorAdmin(admin.ModelAdmin):
    list_display = ["company_name", "reference", "email", "phone", "trade_licence_expiry", "insurance_expiry"]
    search_fields = ["company_name", "reference", "email", "phone", "trade_licence_number"]
    readonly_fields = ["reference", "created_at"]
    inlines = [MembershipInline, UserInline, DocumentInline]


@admin.register(ContractorMembership)
class ContractorMembershipAdmin(admin.ModelAdmin):
    list_display = ["contractor", "community", "status", "buzzin_state", "status_changed_at"]
    list_filter = ["status", "buzzin_state", "community"]
    list_select_related = ["contractor", "community"]
    search_fields = ["contractor__company_name", "contractor__reference"]
    readonly_fields = ["status", "status_changed_at", "status_reason", "buzzin_id", "buzzin_state", "buzzin_event_at"]
