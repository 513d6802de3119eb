"""Secrets held by models, write-only in the admin (see ``portal.core.secrets``).

Mix ``SecretFieldsAdminMixin`` into a ``ModelAdmin`` and list the fields in ``secret_fields``: their form
field is a ``SecretField``, the POST parameters are cleansed from error reports, and a user who may only
view the object sees ``<field>_status`` ("set, ends in …1a2b") where the value would have been.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.text import capfirst
from django.views.decorators.debug import sensitive_post_parameters

from .secrets import KEEP_HELP, SecretField, secret_status

STATUS_SUFFIX = "_status"


class SecretFieldsAdminMixin:
    secret_fields: tuple[str, ...] = ()

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        for name in self.secret_fields:
            setattr(self, name + STATUS_SUFFIX, _status_display(model._meta.get_field(name)))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name not in self.secret_fields:
            return super().formfield_for_dbfield(db_field, request, **kwargs)
        return SecretField(
            max_length=db_field.max_length,
            required=not db_field.blank,
            label=capfirst(db_field.verbose_name),
            help_text=" ".join(filter(None, [KEEP_HELP, str(db_field.help_text)])),
        )

    def get_fieldsets(self, request, obj=None):
        """On the read-only page the status stands where the secret's value would be shown."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [(title, {**options, "fields": self._shown(options["fields"])}) for title, options in fieldsets]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        view = sensitive_post_parameters(*self.secret_fields)(super().changeform_view)
        return view(request, object_id, form_url, extra_context)

    def _shown(self, fields):
        return [self._shown(name) if isinstance(name, list | tuple) else self._status_name(name) for name in fields]

    def _status_name(self, name):
        return name + STATUS_SUFFIX if name in self.secret_fields else name


def _status_display(field):
    @admin.display(description=capfirst(field.verbose_name))
    def status(obj):
        return secret_status(getattr(obj, field.name))

    return status
