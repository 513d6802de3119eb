"""The broker queues, named in one place for the settings (routes) and every worker command (what it consumes).

Webhook processing has a queue of its own beside the default one: a backlog of partner deliveries (thousands
after an outage) never holds back the processing of what Buzz-In tells us, since a worker takes from both.
"""

WEBHOOK_TASKS = ("integrations.webhook_process",)


def webhook_queue(default_queue: str) -> str:
    return f"{default_queue}.webhooks"


def worker_queues(default_queue: str) -> list[str]:
    """Every queue a worker consumes, for ``celery worker -Q``."""
    return [default_queue, webhook_queue(default_queue)]
