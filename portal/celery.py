import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The integrations layer keeps one tasks module per concern.
app.autodiscover_tasks(
    ["portal.integrations.delivery", "portal.integrations.webhooks", "portal.integrations.jobs", "permits"]
)
# Operations only (never domain effects): task metrics, worker logging, request ids carried into tasks.
import portal.ops.celery_hooks  # noqa: E402, F401
