import json
from collections import Counter

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.core.admin_paginator import EstimatedCountPaginator
from portal.core.admin_rows import LeanActionCheckboxMixin, LeanRowLinksMixin
from portal.core.admin_scoping import CommunityScopedAdminMixin
from portal.core.scoping import managed_community_ids

from ..models import BuzzinCommunity, InboundEvent
from ..webhooks.processing import inbound_event_process


@admin.register(InboundEvent)
class InboundEventAdmin(LeanActionCheckboxMixin, LeanRowLinksMixin, CommunityScopedAdminMixin, admin.ModelAdmin):
    """Buzz-In's webhooks as received: read-only, with "process again" for what failed or waits.

    An event names its community by Buzz-In's community id: a staff user who is not an operator sees
    only the events of their communities (and none without a community id). An event whose community is
    unknown or is not its permit's or contractor's ends "refused" (the state filter lists them).
    """

    def scope_queryset(self, request, queryset):
        ids = managed_community_ids(request.user)
        if ids is None:
            return queryset
        buzzin_ids = BuzzinCommunity.objects.filter(community_id__in=ids).exclude(buzzin_id="")
        return queryset.filter(community_id__in=buzzin_ids.values("buzzin_id"))

    list_display = [
        "received_at",
        "event",
        "event_id",
        "community_id",
        "verification",
        "state",
        "result",
        "attempts",
        "processed_at",
    ]
    list_filter = ["state", "event", "verification", "received_at"]
    search_fields = ["event_id", "delivery_id", "community_id", "result"]
    # The inbox keeps every event ever received: the newest first through the primary key (the arrival order),
    # no exact count of an unfiltered list, and no date hierarchy (it groups the whole inbox by date).
    ordering = ["-id"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    readonly_fields = [
        *(field.name for field in InboundEvent._meta.fields if field.name != "payload"),
        "payload_pretty",
    ]
    exclude = ["payload"]
    actions = ["process_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("payload"))
    def payload_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True))

    @admin.action(description=_("Process again"), permissions=["change"])
    def process_again(self, request, queryset):
        """Runs each handler again now (services are idempotent and order-guarded) and reports the outcome."""
        outcomes = Counter()
        for pk in queryset.order_by("id").values_list("pk", flat=True):
            inbound = inbound_event_process(pk, force=True)
            outcomes[inbound.get_state_display()] += 1
            if inbound.state == "failed":
                self.message_user(request, f"{inbound}: {inbound.error[:200]}", messages.ERROR)
        summary = ", ".join(f"{count} {state.lower()}" for state, count in sorted(outcomes.items()))
        self.message_user(request, f"Processed again: {summary or 'nothing selected'}.", messages.SUCCESS)
