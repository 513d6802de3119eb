"""The time-zone rule (``portal.core.local_time``) in the admin: a community's rows on its own clock.

- ``community_time_column("status_changed_at")``: a list (or read-only inline) column showing a
  moment on the row's community's clock; a list spanning communities shows each row on its own.
  Select the community with the rows (``list_select_related``) so the column costs no query.
- ``CommunityClockAdminMixin``: the change page of one object (its read-only moments, its history)
  rendered on the object's community's clock.

Both find the community along the admin's ``community_path`` (``"permit__community"``...).
"""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone

from .formats import format_datetime


def community_of(obj, community_path: str):
    for name in community_path.split("__"):
        obj = getattr(obj, name, None)
    return obj


def community_time_column(
    field: str, *, name: str | None = None, description: str | None = None, community_path: str = "community"
):
    """A callable for ``list_display`` / ``readonly_fields``: ``field`` as ``01 Aug 2026, 07:00`` on the row's clock."""

    def column(obj):
        moment, community = getattr(obj, field), community_of(obj, community_path)
        if not moment:
            return None
        return format_datetime(moment, community.tzinfo if community else None)

    column.__name__ = name or field  # the column's CSS class: ``field-<name>``
    return admin.display(description=description or field.replace("_", " "), ordering=field, empty_value="—")(column)


class CommunityClockAdminMixin:
    """Render an object's change page on its community's clock (mix in before ``admin.ModelAdmin``)."""

    community_path: str = "community"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        community = community_of(obj, self.community_path) if obj is not None else None
        if community is None:
            return super().render_change_form(request, context, add, change, form_url, obj)
        with timezone.override(community.tzinfo):
            response = super().render_change_form(request, context, add, change, form_url, obj)
            return response.render()  # now, while the community's clock is the current one
