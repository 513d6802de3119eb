"""Partner deliveries in the admin: what was pushed where, every attempt, and "retry" for what failed.

Property managers see their communities' deliveries (read-only); whoever holds the change
permission (operators) retries one, several or every failed delivery. Nobody adds or deletes rows.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, Case, OuterRef, Subquery, When
from django.db.models.functions import Cast
from django.http import HttpResponseRedirect
from django.template import engines
from django.urls import NoReverseMatch, path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from permits.models import Vehicle
from portal.core.actors import Actor
from portal.core.admin_dashboard import dashboard_provider
from portal.core.admin_rows import LeanActionCheckboxMixin, LeanRowLinksMixin
from portal.core.admin_scoping import CommunityScopedAdminMixin, ReadOnlyInlineMixin, ServiceMovesAdminMixin
from portal.core.scoping import managed_community_ids, scope_to_communities

from ..delivery.models import DeliveryAttempt, DeliveryState, OutboundDelivery
from ..delivery.selectors import configuration_faults, failed_deliveries
from ..delivery.services import deliveries_retry_failed, delivery_abandon, delivery_retry

CHANGE_LIST_TEMPLATE = """{% extends "admin/change_list.html" %}
{% block object-tools-items %}
  {% if can_retry and failed_count %}
  <li><form method="post" action="{{ retry_failed_url }}">{% csrf_token %}
    <input type="submit" class="button" value="Retry all failed ({{ failed_count }})"></form></li>
  {% endif %}
  {{ block.super }}
{% endblock %}"""

CHANGE_FORM_TEMPLATE = """{% extends "admin/change_form.html" %}
{% block object-tools-items %}
  {% if can_retry and original.state == "failed" %}
  <li><form method="post" action="{{ retry_url }}">{% csrf_token %}
    <input type="submit" class="button" value="Retry now"></form></li>
  {% endif %}
  {{ block.super }}
{% endblock %}"""

# Where each kind of target is shown in the admin (a vehicle is shown on its permit's page).
TARGET_PAGES = {
    "permit": "admin:permits_permit_change",
    "contractormembership": "admin:contractors_contractormembership_change",
}


class DeliveryAttemptInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = DeliveryAttempt
    fields = ["started_at", "duration_ms", "status_code", "outcome", "request_summary", "response_excerpt", "error"]
    readonly_fields = fields


@admin.register(OutboundDelivery)
class OutboundDeliveryAdmin(
    LeanActionCheckboxMixin, LeanRowLinksMixin, ServiceMovesAdminMixin, CommunityScopedAdminMixin, admin.ModelAdmin
):
    list_display = [
        "id",
        "subscriber_label",
        "operation_label",
        "target_link",
        "community",
        "state",
        "attempt_count",
        "next_attempt_at",
        "error_kind",
        "short_error",
        "updated_at",
    ]
    list_filter = ["subscriber", "operation", "state", "error_kind", "community"]
    list_select_related = ["community"]
    search_fields = ["target_id", "sequence_key", "last_error"]
    fieldsets = [
        (
            None,
            {"fields": ["subscriber_label", "operation_label", "community", "target_link", "sequence_key", "event"]},
        ),
        (_("State"), {"fields": ["state", "error_kind", "last_error", "attempt_count", "next_attempt_at"]}),
        (_("Data"), {"fields": ["params", "result"]}),
        (_("Record"), {"fields": ["created_at", "updated_at", "completed_at"]}),
    ]
    readonly_fields = [field.name for field in OutboundDelivery._meta.fields] + [
        "target_link",
        "subscriber_label",
        "operation_label",
    ]
    inlines = [DeliveryAttemptInline]
    actions = ["retry_now", "give_up"]
    show_full_result_count = False

    # --- who may do what: rows are read-only, retrying needs the change permission ---

    def can_retry(self, request) -> bool:
        return super().has_change_permission(request)

    # --- templates kept here, next to the buttons they draw ---

    @cached_property
    def change_list_template(self):
        return engines["django"].from_string(CHANGE_LIST_TEMPLATE)

    @cached_property
    def change_form_template(self):
        return engines["django"].from_string(CHANGE_FORM_TEMPLATE)

    # --- list ---

    def get_queryset(self, request):
        vehicle_permit = Vehicle.objects.filter(pk=Cast(OuterRef("target_id"), BigIntegerField())).values("permit_id")
        return (
            super()
            .get_queryset(request)
            .annotate(
                vehicle_permit_id=Case(When(target_type="vehicle", then=Subquery(vehicle_permit[:1])), default=None)
            )
        )

    @admin.display(description=_("target"))
    def target_link(self, delivery):
        label = f"{delivery.target_type} #{delivery.target_id}"
        page, object_id = TARGET_PAGES.get(delivery.target_type), delivery.target_id
        if delivery.target_type == "vehicle" and getattr(delivery, "vehicle_permit_id", None):
            page, object_id = TARGET_PAGES["permit"], delivery.vehicle_permit_id
            label = f"{label} (permit #{object_id})"
        try:
            return format_html('<a href="{}">{}</a>', reverse(page, args=[object_id]), label) if page else label
        except NoReverseMatch:
            return label

    @admin.display(description=_("to"), ordering="subscriber")
    def subscriber_label(self, delivery):
        return delivery.subscriber_label

    @admin.display(description=_("operation"), ordering="operation")
    def operation_label(self, delivery):
        return delivery.operation_label

    @admin.display(description=_("last error"))
    def short_error(self, delivery):
        return Truncator(delivery.last_error).chars(80)

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            self._warn_configuration_faults(request)
        scoped_failed = failed_deliveries(managed_community_ids(request.user))
        extra_context = {
            **(extra_context or {}),
            "can_retry": self.can_retry(request),
            "failed_count": scoped_failed.count(),
            "retry_failed_url": reverse("admin:integrations_outbounddelivery_retry_failed"),
        }
        return super().changelist_view(request, extra_context)

    def _warn_configuration_faults(self, request) -> None:
        for fault in configuration_faults(managed_community_ids(request.user)):
            messages.error(
                request,
                f"{fault.partner_label} refuses the portal's configuration for {fault.community_name} "
                f"({fault.count} failed): {Truncator(fault.last_error).chars(160)}",
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_retry": self.can_retry(request),
            "retry_url": reverse("admin:integrations_outbounddelivery_retry", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- retry ---

    @admin.action(description=_("Retry selected failed deliveries now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        retried = delivery_retry(ids=selected, actor=Actor.for_user(request.user))
        self._report_retry(request, retried, skipped=len(selected) - len(retried))

    @admin.action(
        description=_("Give up on selected failed deliveries (after fixing by hand; the next in line go)"),
        permissions=["retry"],
    )
    def give_up(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        abandoned = delivery_abandon(
            ids=selected, actor=Actor.for_user(request.user), reason=f"Given up by {request.user.get_username()}."
        )
        skipped = len(selected) - len(abandoned)
        if abandoned:
            self.message_user(
                request, _("Gave up on %(count)s failed deliveries.") % {"count": len(abandoned)}, messages.SUCCESS
            )
        if skipped:
            self.message_user(
                request,
                _("%(count)s left alone: only failed ones can be given up.") % {"count": skipped},
                messages.WARNING,
            )

    def has_retry_permission(self, request) -> bool:
        return self.can_retry(request)

    def get_urls(self):
        own = [
            path(
                "retry-failed/",
                self.admin_site.admin_view(require_POST(self.retry_failed_view)),
                name="integrations_outbounddelivery_retry_failed",
            ),
            path(
                "<path:object_id>/retry/",
                self.admin_site.admin_view(require_POST(self.retry_one_view)),
                name="integrations_outbounddelivery_retry",
            ),
        ]
        return own + super().get_urls()

    def retry_failed_view(self, request):
        self._require_retry(request)
        retried = deliveries_retry_failed(
            community_ids=managed_community_ids(request.user), actor=Actor.for_user(request.user)
        )
        self._report_retry(request, retried)
        return HttpResponseRedirect(reverse("admin:integrations_outbounddelivery_changelist"))

    def retry_one_view(self, request, object_id):
        self._require_retry(request)
        delivery = self.get_object(request, object_id)  # another community's row is a 404
        retried = delivery_retry(ids=[delivery.pk], actor=Actor.for_user(request.user))
        self._report_retry(request, retried, skipped=0 if retried else 1)
        return HttpResponseRedirect(reverse("admin:integrations_outbounddelivery_change", args=[delivery.pk]))

    def _require_retry(self, request) -> None:
        if not self.can_retry(request):
            raise PermissionDenied

    def _report_retry(self, request, retried: list[int], skipped: int = 0) -> None:
        if retried:
            self.message_user(
                request, _("%(count)s failed deliveries sent again.") % {"count": len(retried)}, messages.SUCCESS
            )
        if skipped:
            self.message_user(
                request, f"{skipped} deliveries left alone: only failed ones are retried.", messages.WARNING
            )
        if not retried and not skipped:
            self.message_user(request, _("No failed deliveries to retry."), messages.INFO)


@dashboard_provider(order=900)
def failed_deliveries_panel(request) -> dict:
    if not request.user.has_perm("integrations.view_outbounddelivery"):
        return {}
    failed = scope_to_communities(OutboundDelivery.objects.filter(state=DeliveryState.FAILED), request.user)
    return {
        "failed_delivery_count": failed.count(),
        "failed_deliveries": list(failed.select_related("community").order_by("-updated_at", "-id")[:10]),
        "failed_deliveries_url": reverse("admin:integrations_outbounddelivery_changelist") + "?state__exact=failed",
    }


@dashboard_provider(order=50)
def configuration_faults_panel(request) -> dict:
    """For the admin index: partners refusing the portal's credentials or settings, per community."""
    return {
        "configuration_faults": configuration_faults(managed_community_ids(request.user)),
        "configuration_faults_url": reverse("admin:integrations_outbounddelivery_changelist")
        + "?state__exact=failed&error_kind=configuration",
    }
