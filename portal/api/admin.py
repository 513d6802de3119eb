"""API keys in the admin: operators create them (the key is shown once, on the page after saving) and revoke them."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from portal.core.actors import Actor
from portal.core.models import ApiKey
from portal.core.scoping import is_operator

from .keys import api_key_create, api_key_revoke


class ApiKeyAddForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["community", "name"]
        help_texts = {"name": "Who uses the key, e.g. “Salesforce production”."}


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Operators only: a key opens a whole community's API. Keys are never edited or deleted, only revoked."""

    list_display = ["name", "prefix", "community", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = ["community", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["community", "created_by"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["community", "name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
    actions = ["revoke_keys"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return ["community", "name"] if obj is None else self.readonly_fields

    @method_decorator(sensitive_variables("raw_key"))
    def save_model(self, request, obj, form, change):
        if change:
            return
        key, raw_key = api_key_create(actor=Actor.for_user(request.user), community=obj.community, name=obj.name)
        obj.pk, obj.prefix, obj.key_hash, obj.created_at = key.pk, key.prefix, key.key_hash, key.created_at
        obj.created_by = key.created_by
        request._api_raw_key = raw_key

    @method_decorator(sensitive_variables("raw_key", "context"))
    def response_add(self, request, obj, post_url_continue=None):
        raw_key = getattr(request, "_api_raw_key", None)
        if raw_key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": "API key created",
            "key": obj,
            "raw_key": raw_key,
            "opts": self.opts,
            "example_url": request.build_absolute_uri("/api/v1/permits"),
        }
        response = TemplateResponse(request, "admin/api/apikey/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected keys (they stop working at once)"))
    def revoke_keys(self, request, queryset):
        actor = Actor.for_user(request.user)
        revoked = 0
        for key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(actor=actor, key=key)
            revoked += 1
        self.message_user(request, _("%(count)s key(s) revoked.") % {"count": revoked}, messages.SUCCESS)

    def has_module_permission(self, request):
        return is_operator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_operator(request.user)

    def has_add_permission(self, request):
        return is_operator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_operator(request.user)  # needed for the revoke action; every field is read-only

    def has_delete_permission(self, request, obj=None):
        return False
