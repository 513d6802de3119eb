"""Contractor companies in the admin. Approving and revoking them per community is the membership
admin in ``permits.admin.memberships`` (revoking archives permits, and this app must not import permits)."""

from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.core.actors import Actor
from portal.core.admin_dashboard import dashboard_provider
from portal.core.admin_local_time import community_time_column
from portal.core.admin_scoping import (
    CommunityScopedAdminMixin,
    ReadOnlyInlineMixin,
    ScopedInlineMixin,
    ServiceMovesAdminMixin,
    link_or_dash,
)
from portal.core.scoping import managed_community_ids

from . import services
from .forms import ContactForm, apply_validation_error
from .local_time import contractor_time_zone, contractor_today_q, contractor_todays
from .models import Contractor, ContractorDocument, ContractorMembership, ContractorUser

SOON_DAYS = 30
DASHBOARD_DAYS = 7


def scope_contractors(queryset, user):
    """Contractors with a membership (any state) in one of the user's communities; no duplicate rows."""
    ids = managed_community_ids(user)
    if ids is None:
        return queryset
    members = ContractorMembership.objects.filter(community_id__in=ids).values("contractor_id")
    return queryset.filter(pk__in=members)


class ExpiryFilter(admin.SimpleListFilter):
    """Expired, or expiring within ``SOON_DAYS`` days (of each company's today), for one expiry date field."""

    field_name = ""

    def lookups(self, request, model_admin):
        return [
            ("expired", _("Expired")),
            ("soon", format_lazy(_("Expires within {days} days"), days=SOON_DAYS)),
            ("missing", _("Not given")),
        ]

    def queryset(self, request, queryset):
        field = self.field_name
        if self.value() == "missing":
            return queryset.filter(**{f"{field}__isnull": True})
        conditions = {
            "expired": lambda today: Q(**{f"{field}__lt": today}),
            "soon": lambda today: Q(**{f"{field}__range": (today, today + datetime.timedelta(days=SOON_DAYS))}),
        }
        condition = conditions.get(self.value())
        return queryset if condition is None else queryset.filter(contractor_today_q(condition))


class LicenceExpiryFilter(ExpiryFilter):
    title = _("trade licence")
    parameter_name = "licence"
    field_name = "trade_licence_expiry"


class InsuranceExpiryFilter(ExpiryFilter):
    title = _("insurance")
    parameter_name = "insurance"
    field_name = "insurance_expiry"


class MembershipInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    """Where the company works; Approve and Revoke are on each membership's own page."""

    model = ContractorMembership
    fields = ["community", "status", community_time_column("status_changed_at"), "status_reason"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        ids = managed_community_ids(request.user)
        queryset = super().get_queryset(request).select_related("community")
        return queryset if ids is None else queryset.filter(community_id__in=ids)


class DocumentInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = ContractorDocument
    verbose_name_plural = _("documents (newest first)")
    fields = ["kind", "number", "expiry_date", "download", "uploaded_at", "uploaded_by"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by").order_by("-uploaded_at", "-id")

    @admin.display(description=_("document"))
    def download(self, document):
        return link_or_dash("documents:contractor", {"pk": document.pk}, document.download_name)


class UserInline(ReadOnlyInlineMixin, ScopedInlineMixin, admin.TabularInline):
    model = ContractorUser
    fields = ["user"]
    readonly_fields = fields


@admin.register(Contractor)
class ContractorAdmin(ServiceMovesAdminMixin, CommunityScopedAdminMixin, admin.ModelAdmin):
    """Read-only here: companies register and upload documents through the contractor views."""

    community_path = "memberships__community"
    list_display = ["company_name", "reference", "email", "phone", "trade_licence_expiry", "insurance_expiry"]
    list_filter = [LicenceExpiryFilter, InsuranceExpiryFilter, "memberships__community", "memberships__status"]
    search_fields = ["company_name", "reference", "email", "phone", "trade_licence_number"]
    show_full_result_count = False
    fields = [
        "company_name",
        "reference",
        "crm_reference",
        "contact_name",
        "email",
        "phone",
        "trade_licence_number",
        "trade_licence_expiry",
        "insurance_expiry",
        "created_at",
        "needs_attention",
        "edit_contact",
    ]
    readonly_fields = fields
    inlines = [MembershipInline, DocumentInline, UserInline]

    def scope_queryset(self, request, queryset):
        return scope_contractors(queryset, request.user)

    # --- needs attention, and the contact details its users and its managers correct ---

    @admin.display(description=gettext_lazy("needs attention"))
    def needs_attention(self, contractor):
        rows = contractor.memberships.filter(attention_since__isnull=False).select_related("community")
        return format_html_join(
            "", '<p class="errornote"><strong>{}</strong>: {}</p>', ((m.community.name, m.attention_text) for m in rows)
        ) or _("Nothing")

    @admin.display(description=gettext_lazy("contact details"))
    def edit_contact(self, contractor):
        url = reverse("admin:contractors_contractor_contact", args=[contractor.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Correct the contact details"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.contact_view)
        return [path("<path:object_id>/contact/", view, name="contractors_contractor_contact"), *super().get_urls()]

    def contact_view(self, request, object_id):
        """A manager of one of the company's communities corrects its contact details (through the service)."""
        contractor = self.get_object(request, unquote(object_id))  # None outside the user's communities
        if contractor is None:
            raise PermissionDenied
        if not request.user.has_perm("contractors.change_contractor"):
            raise PermissionDenied
        change_url = reverse("admin:contractors_contractor_change", args=[contractor.pk])
        form = ContactForm.for_contractor(contractor, request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                services.contractor_contact_update(
                    actor=Actor.for_user(request.user), contractor=contractor, **form.cleaned_data
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Saved. Whatever was waiting for these details is sent again."))
                return redirect(change_url)
        button = {
            "label": _("Save contact details"),
            "slug": "contact",
            "intro": _(
                "The gates and the parking system receive these details; "
                "whatever they refused is sent again once saved."
            ),
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": contractor,
            "button": button,
            "form": form,
            "change_url": change_url,
            "title": _("Contact details: %(company)s") % {"company": contractor.company_name},
        }
        return render(request, "admin/decision_form.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The company's documents on its own clock (``contractors.local_time``); memberships on their community's."""
        if obj is None:
            return super().render_change_form(request, context, add, change, form_url, obj)
        with timezone.override(contractor_time_zone(obj)):
            return super().render_change_form(request, context, add, change, form_url, obj).render()


@dashboard_provider(order=200)
def contractor_documents_panel(request) -> dict:
    """Trade licences and insurances lapsing within a week, of contractors in the user's communities."""
    if not request.user.has_perm("contractors.view_contractor"):
        return {}

    def lapsing(today: datetime.date) -> Q:
        window = (today, today + datetime.timedelta(days=DASHBOARD_DAYS))
        return Q(trade_licence_expiry__range=window) | Q(insurance_expiry__range=window)

    contractors = Contractor.objects.filter(contractor_today_q(lapsing))
    rows = list(scope_contractors(contractors, request.user).order_by("company_name")[:20])
    todays = contractor_todays(contractor.pk for contractor in rows)
    documents = []
    for contractor in rows:
        today = todays[contractor.pk]
        until = today + datetime.timedelta(days=DASHBOARD_DAYS)
        for label, expiry in (
            (_("Trade licence"), contractor.trade_licence_expiry),
            (_("Insurance"), contractor.insurance_expiry),
        ):
            if expiry and today <= expiry <= until:
                documents.append({"contractor": contractor, "kind": label, "expiry": expiry})
    return {"documents_expiring_soon": sorted(documents, key=lambda row: row["expiry"])}
