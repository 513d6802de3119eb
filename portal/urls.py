from django.contrib import admin
from django.urls import include, path

from portal.core.language import language_switch

urlpatterns = [
    path("i18n/setlang/", language_switch, name="set_language"),
    path("admin/", admin.site.urls),
    path("webhooks/", include("portal.integrations.urls")),
    path("api/", include("portal.api.urls")),
    path("notifications/", include("portal.integrations.notifications.urls")),
    path("", include("portal.ops.urls")),
    path("", include("contractors.urls")),
    path("", include("permits.urls")),
]
