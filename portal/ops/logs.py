"""Task context on log lines: in a Celery task, the task's id and name, and the id of the web request
that queued it (carried in the task's headers) in place of the request id."""

from __future__ import annotations

import logging

from celery import current_task

from .celery_hooks import REQUEST_ID_HEADER


class TaskContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        task = current_task
        request = getattr(task, "request", None) if task else None
        task_id = getattr(request, "id", None) if request is not None else None
        if task_id:
            record.task_id = task_id
            record.task_name = task.name
            origin = getattr(request, REQUEST_ID_HEADER, None)
            if origin and getattr(record, "request_id", "-") == "-":
                record.request_id = origin
        return True
