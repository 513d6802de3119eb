"""Handing work to the broker. A broker outage is never an error: the row stays in the database and
a periodic relay hands it over again, so a request or a commit never waits on (or fails with) the broker."""

from __future__ import annotations

import atexit
import logging
import math
import os
import queue
import threading
import time

from celery import current_app

logger = logging.getLogger(__name__)


def hand_over(task_name: str, row_id: int | list[int], *, countdown: float | None = None) -> bool:
    """Queue ``task_name(row_id)`` (a list of ids for a batch task); False (and a warning) when the broker cannot
    take it now."""
    seconds = broker_countdown(countdown)
    options = {"countdown": seconds} if seconds else {}
    try:
        if current_app.conf.task_always_eager:  # CELERY_TASK_ALWAYS_EAGER (debugging): run it here and now
            current_app.tasks[task_name].apply(args=[row_id])
        else:
            current_app.send_task(task_name, args=[row_id], **options)
    except Exception as exc:
        logger.warning("broker unavailable, %s %s left for the relay: %s", task_name, row_id, exc)
        return False
    return True


def broker_countdown(countdown: float | None) -> float | None:
    """The countdown to give the broker: never one that delivers the task before it is due.

    RabbitMQ's native delayed delivery (``portal.settings``, quorum queues) counts whole seconds and truncates:
    it refuses a countdown under 1 s and delivers a 1.9 s one after 1 s, early enough for the worker to skip
    the task as not due (found by the fault script, whose scaled backoff is mostly under a second). Rounded up
    there, a task comes at most a second late.
    """
    if not countdown or countdown <= 0:
        return None
    broker = str(current_app.conf.broker_url or "")
    if broker.startswith(("amqp://", "amqps://", "pyamqp://")):
        return float(math.ceil(countdown))
    return round(countdown, 3)


class HandOverThread:
    """Hands committed rows to the broker from a thread of the web process, so a request answers without
    waiting on (or spending its time in) the publish.

    Rows waiting together go as one message of ``batch_task_name`` (at most ``batch`` ids): under load one
    publish serves many requests. The thread lingers ``linger`` seconds after a row for others to join it: a
    publish costs the web process about as much CPU as the request it follows, and without the wait each row
    went alone whenever the thread was idle. What this thread never sends (a broker outage, the process killed
    before it got there) is still in the database, and the periodic relay hands it over.
    """

    def __init__(self, task_name: str, batch_task_name: str, *, batch: int = 20, linger: float = 0.02):
        self.task_name, self.batch_task_name, self.batch, self.linger = task_name, batch_task_name, batch, linger
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._queue: queue.SimpleQueue | None = None

    def put(self, row_id: int) -> None:
        self._started().put(row_id)

    def _started(self) -> queue.SimpleQueue:
        if self._pid != os.getpid():  # first use in this process (a forked web worker starts its own thread)
            with self._lock:
                if self._pid != os.getpid():
                    self._queue = queue.SimpleQueue()
                    thread = threading.Thread(target=self._run, args=(self._queue,), name="hand-over", daemon=True)
                    thread.start()
                    atexit.register(self._send_waiting, self._queue)
                    self._pid = os.getpid()
        return self._queue

    def _run(self, waiting: queue.SimpleQueue) -> None:
        while True:
            ids = [waiting.get()]
            until = time.monotonic() + self.linger
            while len(ids) < self.batch and (left := until - time.monotonic()) > 0:
                try:
                    ids.append(waiting.get(timeout=left))
                except queue.Empty:
                    break
            self._send(ids + self._take(waiting, self.batch - len(ids)))

    def _send_waiting(self, waiting: queue.SimpleQueue) -> None:
        """At exit, what is still waiting, best effort (the relay is there for the rest)."""
        while ids := self._take(waiting, self.batch):
            self._send(ids)

    @staticmethod
    def _take(waiting: queue.SimpleQueue, most: int) -> list[int]:
        ids = []
        while len(ids) < most:
            try:
                ids.append(waiting.get_nowait())
            except queue.Empty:
                break
        return ids

    def _send(self, ids: list[int]) -> None:
        try:
            if len(ids) == 1:
                hand_over(self.task_name, ids[0])
            else:
                hand_over(self.batch_task_name, ids)
        except Exception:  # the thread must outlive anything: the rows wait for the relay
            logger.exception("hand-over of %s rows failed; left for the relay", len(ids))
