"""Approving and revoking contractors per community.

It lives with the permits admin because revoking archives the contractor's permits
(``permits.services.contractor_revoke``): the contractors app must not import permits.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from contractors.choices import MembershipStatus
from contractors.models import ContractorMembership
from contractors.services import contractor_approve
from portal.core.actors import Actor
from portal.core.admin_local_time import CommunityClockAdminMixin, community_time_column
from portal.core.admin_panels import panels_for
from portal.core.admin_rows import LeanActionCheckboxMixin, LeanRowLinksMixin
from portal.core.admin_scoping import CommunityScopedAdminMixin, ServiceMovesAdminMixin

from ..selectors.admin import revocation_effects, revocation_effects_many
from ..services import contractor_revoke
from .actions import reason_page, report, run_each
from .forms import ConfirmForm, ReasonForm, add_service_errors, error_text
from .queues import MembershipAttentionFilter


def _approve(request, membership):
    return contractor_approve(actor=Actor.for_user(request.user), membership=membership)


def _revoke(request, membership, reason):
    return contractor_revoke(actor=Actor.for_user(request.user), membership=membership, reason=reason)


@admin.action(description=_("Approve selected contractors in their community"), permissions=["change"])
def approve_memberships(modeladmin, request, queryset):
    outcome = run_each(
        queryset.select_related("contractor", "community"), lambda membership: _approve(request, membership), _label
    )
    report(request, outcome, done=_("Approved"), not_done=_("Not approved"))


@admin.action(description=_("Revoke selected contractors in their community…"), permissions=["change"])
def revoke_memberships(modeladmin, request, queryset):
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"]
        outcome = run_each(
            queryset.select_related("contractor", "community"),
            lambda membership: _revoke(request, membership, reason),
            _label,
        )
        report(request, outcome, done=_("Revoked"), not_done=_("Not revoked"))
        return None
    memberships = list(queryset.select_related("contractor", "community"))
    effects = revocation_effects_many([(m.contractor_id, m.community_id) for m in memberships])
    objects = {m.pk: revocation_intro(m, effects[(m.contractor_id, m.community_id)]) for m in memberships}
    return reason_page(modeladmin, request, objects, form, action="revoke_memberships", verb=_("Revoke"))


def revocation_intro(membership, effects: dict | None = None) -> str:
    """Before confirming: what the revocation ends, in numbers."""
    if effects is None:
        effects = revocation_effects(contractor_id=membership.contractor_id, community_id=membership.community_id)
    passes = ngettext("%(count)s live pass", "%(count)s live passes", effects["passes"]) % {"count": effects["passes"]}
    parking = ngettext("%(count)s parking permit", "%(count)s parking permits", effects["parking"]) % {
        "count": effects["parking"]
    }
    permits = ngettext(
        "its %(count)s approved or active permit there is archived",
        "its %(count)s approved or active permits there are archived",
        effects["permits"],
    ) % {"count": effects["permits"]}
    return gettext(
        "Revoking %(company)s in %(community)s ends %(passes)s and %(parking)s: %(permits)s, and the contractor "
        "reads your reason. Its other communities keep their passes."
    ) % {
        "company": membership.contractor.company_name,
        "community": membership.community.name,
        "passes": passes,
        "parking": parking,
        "permits": permits,
    }


def _label(membership) -> str:
    return f"{membership.contractor.company_name} in {membership.community.name}"


@admin.register(ContractorMembership)
class ContractorMembershipAdmin(
    LeanActionCheckboxMixin,
    LeanRowLinksMixin,
    CommunityClockAdminMixin,
    ServiceMovesAdminMixin,
    CommunityScopedAdminMixin,
    admin.ModelAdmin,
):
    """Read-only page; Approve and Revoke are buttons that call the services. Times on the community's clock."""

    list_display = ["contractor", "community", "status", community_time_column("status_changed_at")]
    list_filter = ["status", "community", MembershipAttentionFilter]
    list_select_related = ["contractor", "community"]
    search_fields = ["contractor__company_name", "contractor__reference"]
    fields = ["contractor", "community", "status", "status_changed_at", "status_reason"]
    readonly_fields = fields
    actions = [approve_memberships, revoke_memberships]
    change_form_template = "admin/contractors/contractormembership/change_form.html"

    def can_decide(self, request) -> bool:
        return super().has_change_permission(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        membership = self.get_object(request, unquote(object_id))
        buttons = []
        if self.can_decide(request):
            if membership.status != MembershipStatus.APPROVED:
                buttons.append({"label": _("Approve"), "url": self._url("approve", membership), "posts": True})
            if membership.status != MembershipStatus.REVOKED:
                buttons.append({"label": _("Revoke"), "url": self._url("revoke", membership), "posts": False})
        extra_context = {
            **(extra_context or {}),
            "decision_buttons": buttons,
            "panels": panels_for(request, membership),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/approve/", wrap(self.approve_view), name="contractors_contractormembership_approve"),
            path("<path:object_id>/revoke/", wrap(self.revoke_view), name="contractors_contractormembership_revoke"),
            *super().get_urls(),
        ]

    def approve_view(self, request, object_id):
        return self._decision(
            request,
            object_id,
            ConfirmForm,
            _("Approve"),
            lambda m, data: _approve(request, m),
            done=_("Approved %(who)s."),
        )

    def revoke_view(self, request, object_id):
        return self._decision(
            request,
            object_id,
            ReasonForm,
            _("Revoke"),
            lambda m, data: _revoke(request, m, data["reason"]),
            intro=True,
            done=_("Revoked %(who)s."),
        )

    def _decision(self, request, object_id, form_class, verb, call, intro=False, done=""):
        membership = self.get_object(request, unquote(object_id))  # 404 outside the user's communities
        if not self.can_decide(request):
            raise PermissionDenied
        change_url = reverse("admin:contractors_contractormembership_change", args=[membership.pk])
        form = form_class(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                call(membership, form.cleaned_data)
            except ValidationError as error:
                messages.error(request, error_text(error))
                if not form.fields:
                    return redirect(change_url)
                add_service_errors(form, error)
            else:
                messages.success(request, str(done) % {"who": _label(membership)})
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": membership,
            "button": {"label": verb, "intro": revocation_intro(membership) if intro else ""},
            "form": form,
            "change_url": change_url,
            "title": f"{verb}: {_label(membership)}",
        }
        return render(request, "admin/decision_form.html", context)

    def _url(self, slug, membership):
        return reverse(f"admin:contractors_contractormembership_{slug}", args=[membership.pk])
