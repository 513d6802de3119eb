from django.urls import path

from .health import liveness, readiness
from .metrics import metrics_view

app_name = "ops"

urlpatterns = [
    path("health/", readiness, name="ready"),
    path("health/live/", liveness, name="live"),
    path("metrics", metrics_view, name="metrics"),
]
