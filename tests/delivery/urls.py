"""The admin alone (with the notifications and the language switch its header links to): the
delivery admin's tests do not depend on the rest of the site's URLs."""

from django.contrib import admin
from django.urls import include, path

from portal.core.language import language_switch

urlpatterns = [
    path("i18n/setlang/", language_switch, name="set_language"),
    path("admin/", admin.site.urls),
    path("notifications/", include("portal.integrations.notifications.urls")),
]
