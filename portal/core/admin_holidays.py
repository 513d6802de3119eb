"""The public holidays admin: each community's closed days, and a year of its country's added in one go."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .actors import Actor
from .admin_scoping import CommunityScopedAdminMixin, scoped_queryset_for
from .models import Community, PublicHoliday
from .public_holidays import public_holidays_add_for_year


class CountryYearForm(forms.Form):
    community = forms.ModelChoiceField(queryset=Community.objects.none(), label=gettext_lazy("Community"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label=gettext_lazy("Year"))

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


@admin.register(PublicHoliday)
class PublicHolidayAdmin(CommunityScopedAdminMixin, admin.ModelAdmin):
    """The days a community's office is closed: decision deadlines skip them. Managers keep their own."""

    list_display = ["date", "name", "community"]
    list_filter = ["community"]
    list_select_related = ["community"]
    search_fields = ["name"]
    date_hierarchy = "date"
    change_list_template = "admin/core/publicholiday/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.add_for_year_view)
        return [path("add-for-year/", view, name="core_publicholiday_add_for_year"), *super().get_urls()]

    def add_for_year_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        communities = scoped_queryset_for(self.admin_site, request, Community)
        initial = {"year": timezone.localdate().year + 1, "community": communities.first()}
        form = CountryYearForm(request.POST or None, communities=communities, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                added = public_holidays_add_for_year(actor=Actor.for_user(request.user), **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(count)s holidays added; correct those marked “estimated” once announced.")
                    % {"count": len(added)},
                )
                return redirect(reverse("admin:core_publicholiday_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Add a year of the country's public holidays"),
            "form": form,
        }
        return TemplateResponse(request, "admin/core/publicholiday/add_for_year.html", context)
