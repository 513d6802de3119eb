"""Drifts in the admin: what reconciliation found, and "repair" for one (a button per row) or many (an action).

Property managers see their communities' drifts and repair them: the group "Property managers" holds the
view and change permissions of drifts (migration integrations 0003, which says why), and the admin scopes the
rows to the user's communities. Whoever holds the change permission repairs; a repair only sends again what
the portal holds. Rows are read-only: reconciliation opens and resolves them, the repair service sends the
delivery.
Above the list, reconciliation's coverage: how much of the estate the pass under way has compared,
and when a full pass last completed (estate-wide counts for operators, percentages for others).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template import engines
from django.urls import NoReverseMatch, path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portal.core.actors import Actor
from portal.core.admin_local_time import CommunityClockAdminMixin, community_time_column
from portal.core.admin_rows import LeanActionCheckboxMixin, LeanRowLinksMixin
from portal.core.admin_scoping import CommunityScopedAdminMixin, ServiceMovesAdminMixin
from portal.core.formats import format_datetime
from portal.core.scoping import is_operator

from ..models import Drift
from ..reconciliation import drift_repair, repair_operations
from ..reconciliation.cursor import reconciliation_coverage
from ..reconciliation.kinds import DriftKind, kind_label

CHANGE_FORM_TEMPLATE = """{% extends "admin/change_form.html" %}
{% block object-tools-items %}
  {% if can_repair and original.resolved_at is None %}
  <li><form method="post" action="{{ repair_url }}">{% csrf_token %}
    <input type="submit" class="button" value="Repair"></form></li>
  {% endif %}
  {{ block.super }}
{% endblock %}"""


class DriftStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("resolved", "Resolved"), ("all", "All")]

    def choices(self, changelist):
        current = self.value() or "open"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "all":
            return queryset
        return queryset.filter(resolved_at__isnull=value == "open")


@admin.register(Drift)
class DriftAdmin(
    LeanActionCheckboxMixin,
    LeanRowLinksMixin,
    CommunityClockAdminMixin,
    ServiceMovesAdminMixin,
    CommunityScopedAdminMixin,
    admin.ModelAdmin,
):
    list_display = [
        community_time_column("detected_at"),
        "kind_display",
        "target_link",
        "community",
        "summary",
        "state",
        "repair",
    ]
    list_filter = [DriftStateFilter, "kind", "community"]
    list_select_related = ["community", "repair_delivery"]
    readonly_fields = [field.name for field in Drift._meta.fields] + ["target_link", "summary"]
    actions = ["repair_selected"]

    # --- rows are read-only; repairing needs the change permission ---

    def can_repair(self, request) -> bool:
        return super().has_change_permission(request)

    def has_repair_permission(self, request) -> bool:
        return self.can_repair(request)

    @cached_property
    def change_form_template(self):
        return engines["django"].from_string(CHANGE_FORM_TEMPLATE)

    def get_list_display(self, request):
        """Those who may repair get the column with the button."""
        columns = list(super().get_list_display(request))
        return [("repair_button" if name == "repair" and self.can_repair(request) else name) for name in columns]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "coverage": reconciliation_coverage(),
            "coverage_counts": is_operator(request.user),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_repair": self.can_repair(request),
            "repair_url": reverse("admin:integrations_drift_repair", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- columns ---

    @admin.display(description=_("kind"), ordering="kind")
    def kind_display(self, drift):
        return kind_label(drift.kind)

    @admin.display(description=_("target"))
    def target_link(self, drift):
        detail = drift.detail or {}
        permit_id = detail.get("permit_id") or (drift.target_id if drift.target_type == "permit" else None)
        label = f"permit {detail.get('reference', '#' + str(permit_id))}"
        if drift.target_type == "vehicle":
            label = f"vehicle {detail.get('plate', '#' + drift.target_id)} on {label}"
        try:
            return format_html('<a href="{}">{}</a>', reverse("admin:permits_permit_change", args=[permit_id]), label)
        except NoReverseMatch:
            return label

    @admin.display(description=_("what differs"))
    def summary(self, drift):
        return drift_summary(drift)

    @admin.display(description=_("state"), ordering="resolved_at")
    def state(self, drift):
        if drift.resolved_at is None:
            return "open"
        return f"resolved {format_datetime(drift.resolved_at, drift.community.tzinfo)}"

    @admin.display(description=_("repair"))
    def repair(self, drift):
        delivery = drift.repair_delivery
        if delivery is None:
            return "—"
        url = reverse("admin:integrations_outbounddelivery_change", args=[delivery.pk])
        return format_html('<a href="{}">#{} {}</a>', url, delivery.pk, delivery.get_state_display().lower())

    @admin.display(description=_("repair"))
    def repair_button(self, drift):
        """The row's one-click repair: a submit button of the changelist form, posted to the repair URL."""
        sent = self.repair(drift)
        if drift.resolved_at or not repair_operations(drift):
            return sent
        url = reverse("admin:integrations_drift_repair", args=[drift.pk])
        button = format_html('<button type="submit" class="button" formaction="{}">Repair</button>', url)
        return button if drift.repair_delivery is None else format_html("{} {}", sent, button)

    # --- repair ---

    @admin.action(description=_("Repair selected drifts"), permissions=["repair"])
    def repair_selected(self, request, queryset):
        self._repair(request, list(queryset.order_by("pk")))

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/repair/",
                self.admin_site.admin_view(require_POST(self.repair_view)),
                name="integrations_drift_repair",
            )
        ]
        return own + super().get_urls()

    def repair_view(self, request, object_id):
        if not self.can_repair(request):
            raise PermissionDenied
        drift = self.get_object(request, object_id)  # another community's drift is a 404
        self._repair(request, [drift])
        return HttpResponseRedirect(reverse("admin:integrations_drift_changelist"))

    def _repair(self, request, drifts: list[Drift]) -> None:
        actor, sent = Actor.for_user(request.user), 0
        for drift in drifts:
            try:
                drift_repair(actor=actor, drift=drift)
                sent += 1
            except ValidationError as error:
                self.message_user(request, f"{drift}: {' '.join(error.messages)}", messages.WARNING)
        if sent:
            self.message_user(request, _("Repair sent for %(count)s drift(s).") % {"count": sent}, messages.SUCCESS)


def drift_summary(drift: Drift) -> str:
    """One line a person reads: what the partner holds against what the portal holds."""
    detail = drift.detail or {}
    if drift.kind == DriftKind.DATES_DIFFER:
        portal, buzzin = detail.get("portal", {}), detail.get("buzzin", {})
        return "; ".join(
            f"{name.replace('_', ' ')}: portal {portal.get(name)}, Buzz-In {buzzin.get(name)}"
            for name in detail.get("fields", [])
        )
    if drift.kind in (DriftKind.STATUS_DIFFERS, DriftKind.PASS_LIVE_AFTER_REVOCATION):
        code = "" if detail.get("access_code", True) else " without an access code"
        return f"portal {detail.get('portal_status')}, Buzz-In {detail.get('buzzin_status')}{code}"
    if drift.kind == DriftKind.MISSING_AT_BUZZIN:
        return f"Buzz-In answers 404 for {detail.get('buzzin_id')}"
    if drift.kind == DriftKind.SCAN_AFTER_END:
        return (
            f"{detail.get('scans', 1)} scan(s) after the end ({detail.get('ended_at')}), "
            f"last at {detail.get('last_scanned_at')}"
        )
    return detail.get("reason", "")
