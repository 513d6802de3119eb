"""The work queues on the admin: the dashboard panel, the navigation counts, the changelist filter,
and the two direct actions of the extension queue (approve as asked, decline with a reason)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.core.actors import Actor
from portal.core.admin_dashboard import admin_url, dashboard_provider

from .. import services
from ..selectors import queues as q
from .forms import ReasonForm, error_text
from .views import decision_form_page


def queue_url(slug: str) -> str:
    if slug == q.COMPANIES:
        return admin_url("contractors_contractormembership_changelist", query="status__exact=pending")
    return admin_url("permits_permit_changelist", query=f"queue={slug}")


def request_queues(request) -> list[q.Queue]:
    """The signed-in user's queues, counted once a request: the navigation and the dashboard both show them."""
    if not hasattr(request, "_work_queues"):
        request._work_queues = q.queues(request.user)
    return request._work_queues


@dashboard_provider(order=10)
def work_queues_panel(request) -> dict:
    """Queues first on the dashboard: a count, the changelist, and the oldest rows with their action."""
    if not request.user.has_perm("permits.view_permit"):
        return {}
    panels = []
    for queue in request_queues(request):
        panel = {"queue": queue, "url": queue_url(queue.slug), "permits": [], "memberships": []}
        if queue.count:
            if queue.slug != q.COMPANIES:
                panel["permits"] = list(q.queue_permits(request.user, queue.slug))
            if queue.slug in (q.COMPANIES, q.ATTENTION):
                panel["memberships"] = list(q.queue_memberships(request.user, queue.slug))
        panels.append(panel)
    return {
        "work_queues": panels,
        "attention_memberships_url": admin_url("contractors_contractormembership_changelist", query="attention=yes"),
    }


class WorkQueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("work queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(slug, q.TITLES[slug][0]) for slug in (q.DECISION, q.EXTENSION, q.NO_PASS, q.ATTENTION)]

    def queryset(self, request, queryset):
        if self.value() in (q.DECISION, q.EXTENSION, q.NO_PASS, q.ATTENTION):
            return queryset.filter(q.permit_queue_q(self.value()))
        return queryset


class MembershipAttentionFilter(admin.SimpleListFilter):
    title = gettext_lazy("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", _("Needs attention"))]

    def queryset(self, request, queryset):
        return queryset.filter(q.membership_queue_q(q.ATTENTION)) if self.value() == "yes" else queryset


def queue_urls(model_admin) -> list:
    wrap = model_admin.admin_site.admin_view

    def approve(request, object_id):
        return extension_approve_view(model_admin, request, object_id)

    def decline(request, object_id):
        return extension_decline_view(model_admin, request, object_id)

    return [
        path(
            "<path:object_id>/extension/approve/", wrap(require_POST(approve)), name="permits_permit_extension_approve"
        ),
        path("<path:object_id>/extension/decline/", wrap(decline), name="permits_permit_extension_decline"),
    ]


def _decidable(model_admin, request, object_id):
    permit = model_admin.get_object(request, unquote(object_id))  # None outside the user's communities
    if permit is None or not model_admin.can_decide(request):
        raise PermissionDenied
    return permit


def _back(request, permit) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted == reverse("admin:index"):
        return wanted
    return reverse("admin:permits_permit_change", args=[permit.pk])


def extension_approve_view(model_admin, request, object_id):
    """Extend to the end the contractor asked for (every permit rule checked again by the service)."""
    permit = _decidable(model_admin, request, object_id)
    if permit.extension_requested_till is None:
        messages.error(request, _("No extension is requested for %(ref)s.") % {"ref": permit.reference})
        return redirect(_back(request, permit))
    try:
        services.permit_extend(
            actor=Actor.for_user(request.user), permit=permit, valid_till=permit.extension_requested_till
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Extended %(ref)s as asked; the contractor is told.") % {"ref": permit.reference})
    return redirect(_back(request, permit))


def extension_decline_view(model_admin, request, object_id):
    """Decline with a reason the contractor reads (``permit_extension_decline``)."""
    permit = _decidable(model_admin, request, object_id)
    change_url = reverse("admin:permits_permit_change", args=[permit.pk])
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.permit_extension_decline(
                actor=Actor.for_user(request.user), permit=permit, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect(change_url)
        messages.success(
            request, _("Declined the extension of %(ref)s; the contractor is told why.") % {"ref": permit.reference}
        )
        return redirect(_back(request, permit))
    button = {
        "label": _("Decline the extension"),
        "slug": "decline-extension",
        "intro": _("The permit keeps its dates. The contractor reads this reason."),
    }
    title = _("Decline the extension: %(ref)s") % {"ref": permit.reference}
    return decision_form_page(model_admin, request, permit, button, form, title, "admin/decision_form.html")
