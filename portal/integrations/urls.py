from django.urls import path

from .webhooks.views import buzzin_webhook

app_name = "integrations"

urlpatterns = [
    path("buzzin/", buzzin_webhook, name="buzzin-webhook"),
]
