"""The admin alone (with the notifications its header links to): the delivery admin's tests do not
depend on the rest of the site's URLs."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("notifications/", include("portal.integrations.notifications.urls")),
]
