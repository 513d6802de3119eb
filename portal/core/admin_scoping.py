"""Tenant scoping for the admin: a property manager sees and changes only their communities.

Every admin of a community-owned model mixes in ``CommunityScopedAdminMixin`` and names the
path from its model to ``Community`` in ``community_path``. From that one attribute follow:

- the changelist, change, history and delete views, actions and exports (``get_queryset``);
- a 404 for an object of another community (``get_object``), never a redirect with a message;
- autocomplete answers (``get_search_results``);
- the choices of foreign-key and many-to-many form fields, in the admin and its inlines
  (``get_field_queryset``), taken from the related model's own scoped admin;
- the choices of related list filters (``get_list_filter`` wraps them in
  ``ScopedRelatedFieldListFilter``);
- every list filter given a value in the URL filters the list, even one with nothing to show (Django drops
  a filter without output, e.g. a community filter of a one-community manager, and with it the value the
  URL gave): a value outside the user's communities gives an empty list, and the bulk actions, "select
  all" included, act on that list only (``AppliedWhenGivenMixin``).

The scoping itself is ``portal.core.scoping``; this module only applies it to the admin.
"""

from __future__ import annotations

import functools

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .scoping import is_operator, scope_to_communities


def scoped_queryset_for(admin_site, request, model, queryset=None):
    """``model``'s rows this user may pick: its scoped admin decides; unscoped models only for operators."""
    queryset = model._default_manager.all() if queryset is None else queryset
    try:
        model_admin = admin_site.get_model_admin(model)
    except NotRegistered:
        model_admin = None
    if isinstance(model_admin, CommunityScopedAdminMixin):
        return model_admin.scope_queryset(request, queryset)
    return queryset if is_operator(request.user) else queryset.none()


class AppliedWhenGivenMixin:
    """A list filter that filters whenever the URL gives it a value, whether or not it has choices to show.

    Django's changelist applies only the filters with output; a related filter with a single choice has
    none, so ``?community__id__exact=<another community>`` would be consumed and ignored.
    """

    def has_output(self):
        return bool(self.used_parameters) or super().has_output()


@functools.cache
def applied_when_given(filter_class: type) -> type:
    if issubclass(filter_class, AppliedWhenGivenMixin):
        return filter_class
    return type(filter_class.__name__, (AppliedWhenGivenMixin, filter_class), {"__module__": filter_class.__module__})


class ScopedRelatedFieldListFilter(AppliedWhenGivenMixin, admin.RelatedFieldListFilter):
    """A related-object filter that lists only the objects of the user's communities."""

    def field_choices(self, field, request, model_admin):
        allowed = scoped_queryset_for(model_admin.admin_site, request, field.related_model)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, ordering=ordering, limit_choices_to=Q(pk__in=allowed.values("pk"))
        )


class ScopedFormfieldsMixin:
    """Foreign-key and many-to-many choices limited to what the user may see (admins and inlines)."""

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        model = db_field.remote_field.model
        if queryset is None:
            queryset = model._default_manager.using(db).all()
        return scoped_queryset_for(self.admin_site, request, model, queryset)


class CommunityScopedAdminMixin(ScopedFormfieldsMixin):
    """Mix into a ``ModelAdmin`` before ``admin.ModelAdmin``; set ``community_path``."""

    community_path: str = "community"

    def scope_queryset(self, request, queryset):
        """Override for models reached through a many-valued relation (use a subquery, not a join)."""
        return scope_to_communities(queryset, request.user, self.community_path)

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, self.scope_queryset(request, queryset), search_term)

    def get_object(self, request, object_id, from_field=None):
        """Another community's object (or no object at all) is a 404, whichever admin view asked."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No %(thing)s with this id.") % {"thing": self.opts.verbose_name})
        return obj

    def get_list_filter(self, request):
        return [self._scoped_filter(item) for item in super().get_list_filter(request)]

    def _scoped_filter(self, item):
        if isinstance(item, list | tuple):
            path, filter_class = item
            return (path, applied_when_given(filter_class))
        if not isinstance(item, str):
            return applied_when_given(item)  # a SimpleListFilter
        try:
            field = get_fields_from_path(self.model, item)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return item
        if field.is_relation:
            return (item, ScopedRelatedFieldListFilter)
        return item  # Django's filters of plain fields always have output


class ScopedInlineMixin(ScopedFormfieldsMixin):
    """Inlines show rows of an already scoped parent; their own pickers are scoped here."""


class ReadOnlyInlineMixin:
    """An inline that only shows rows: changes go through services and their buttons."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """Append-only records (audit events, gate scans): nobody adds, edits or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceMovesAdminMixin:
    """Read-only pages whose changes are moves made by services (buttons and actions).

    Rows are never added or deleted here. The change permission stays on the list, where the
    actions live, and decides who may make the moves; the change form itself shows no inputs.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


def link_or_dash(url_name: str, kwargs: dict, text: str):
    """A link to a page another module may or may not provide yet (e.g. a document download)."""
    try:
        url = reverse(url_name, kwargs=kwargs)
    except NoReverseMatch:
        return "—"
    return format_html('<a href="{}">{}</a>', url, text)
