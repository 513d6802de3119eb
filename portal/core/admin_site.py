"""The portal's admin site: Django's own, with the app list built once a request.

Every admin page's context (``each_context``) builds the app list for the navigation, and the index builds
it a second time for its own list; each build asks every registered model for the user's permissions.
The list is kept on the request after the first build.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin import apps as admin_apps

REQUEST_ATTRIBUTE = "_portal_admin_app_list"


class PortalAdminSite(AdminSite):
    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        app_list = getattr(request, REQUEST_ATTRIBUTE, None)
        if app_list is None:
            app_list = super().get_app_list(request)
            setattr(request, REQUEST_ATTRIBUTE, app_list)
        return app_list


class PortalAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with ``PortalAdminSite`` as ``admin.site`` (listed in ``INSTALLED_APPS``)."""

    default_site = "portal.core.admin_site.PortalAdminSite"
