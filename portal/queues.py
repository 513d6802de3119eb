"""The broker queues, named in one place for the settings (routes) and every worker command (what it consumes).

Webhook processing has a queue of its own beside the default one: a backlog of partner deliveries (thousands
after an outage) never holds back the processing of what Buzz-In tells us, since a worker takes from both.
"""

from celery import current_app

WEBHOOK_TASKS = ("integrations.webhook_process", "integrations.webhook_process_batch")


def webhook_queue(default_queue: str) -> str:
    return f"{default_queue}.webhooks"


def worker_queues(default_queue: str) -> list[str]:
    """Every queue a worker consumes, for ``celery worker -Q``."""
    return [default_queue, webhook_queue(default_queue)]


def route_task(name, args, kwargs, options, task=None, **kw):
    """Celery's router (``CELERY_TASK_ROUTES``): webhook tasks to the webhook queue of the app's default queue.

    Read when a task is sent, not when the settings load, so a process that changes its default queue
    (a test's private worker) routes its webhooks beside it."""
    if name not in WEBHOOK_TASKS:
        return None
    app = task.app if task is not None else current_app
    return {"queue": webhook_queue(app.conf.task_default_queue)}
