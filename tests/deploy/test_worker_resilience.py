"""A Celery worker on RabbitMQ (a private node): it comes back by itself when the broker restarts under it,
and SIGTERM is a warm shutdown (the running task finishes and is recorded before the worker exits).

Real processes on loopback, sharing the test database, so the tests need committed data.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings as django_settings

from contractors.choices import MembershipStatus
from contractors.services import contractor_approve
from faults.config import free_port
from faults.procs import RabbitMQ, rabbitmq_server_command
from portal.core.actors import Actor
from portal.devrun import celery_worker_command
from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.delivery.dispatch import DELIVERY_TASK_NAME
from portal.integrations.delivery.models import DeliveryAttempt, OutboundDelivery
from tests.factories import CommunityFactory, MembershipFactory
from tests.stack import database_url, wait_until

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(rabbitmq_server_command() is None, reason="needs rabbitmq-server (make deploy-deps)"),
]


@pytest.fixture(scope="module")
def rabbitmq(tmp_path_factory):
    base = tmp_path_factory.mktemp("rabbitmq")
    name = f"t{uuid.uuid4().hex[:8]}@localhost"
    node = RabbitMQ(port=free_port(), dist_port=free_port(), base=base / "node", log=base / "rabbitmq.log", name=name)
    node.start()
    yield node
    node.stop()


class Worker:
    def __init__(self, broker_url: str, log_path: Path, env: dict[str, str]):
        self.queue = f"test-{uuid.uuid4().hex[:10]}"
        self.log_path = log_path
        self._log = log_path.open("w")
        self.process = subprocess.Popen(
            celery_worker_command(queue=self.queue, name=f"{self.queue}@%h", concurrency=1),
            cwd=ROOT,
            env={**os.environ, **env, "CELERY_BROKER_URL": broker_url, "CELERY_QUEUE": self.queue},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.app = Celery("publisher", broker=broker_url, set_as_current=False)  # the portal app stays current
        # Celery prefers a CELERY_BROKER_URL in the environment to the broker it is given; the write
        # URL set here wins over both, so the task goes to this node whatever the suite runs on.
        self.app.conf.update(
            broker_write_url=broker_url,
            task_default_queue=self.queue,
            task_default_queue_type="quorum",
            task_default_exchange_type="topic",
        )
        wait_until(lambda: "ready." in self.log() or self.process.poll() is not None, timeout=60, message="worker")
        assert self.process.poll() is None, self.log()[-3000:]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def send(self, name: str, *args) -> str:
        return self.app.send_task(name, args=list(args)).id

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()
        self.app.close()


def worker_env(**extra) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "OUTBOX_DISPATCH": "false",
        **extra,
    }


def test_the_worker_comes_back_by_itself_when_rabbitmq_restarts(rabbitmq, tmp_path):
    worker = Worker(rabbitmq.url, tmp_path / "worker.log", worker_env())
    try:
        pid = worker.process.pid
        first = worker.send("integrations.webhook_relay")
        wait_until(lambda: f"[{first}] succeeded" in worker.log(), timeout=30, message="a task before the restart")

        rabbitmq.restart(down_seconds=2)
        after = worker.send("integrations.webhook_relay")
        wait_until(lambda: f"[{after}] succeeded" in worker.log(), timeout=60, message="a task after the restart")

        assert worker.process.poll() is None and worker.process.pid == pid, "the same worker, never restarted"
        assert "Connection to broker lost" in worker.log()
        assert worker.log().count("Connected to amqp://") >= 2
        assert "CRITICAL" not in worker.log()
    finally:
        worker.close()


class SlowPartner(BaseHTTPRequestHandler):
    """Answers every call after ``delay`` seconds; ``called`` is set when a request arrives."""

    delay = 3.0
    called = threading.Event()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        SlowPartner.called.set()
        time.sleep(self.delay)
        body = json.dumps({"message": "try later"}).encode()
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PUT = do_PATCH = do_GET = do_POST

    def log_message(self, *args):
        pass


def test_sigterm_is_a_warm_shutdown_the_running_delivery_finishes_and_is_recorded(rabbitmq, tmp_path):
    partner = ThreadingHTTPServer(("127.0.0.1", 0), SlowPartner)
    threading.Thread(target=partner.serve_forever, daemon=True).start()
    SlowPartner.called.clear()
    membership = MembershipFactory(
        community=CommunityFactory(buzzin__api_key="slow-partner-key"), status=MembershipStatus.PENDING
    )
    contractor_approve(actor=Actor.system("test"), membership=membership)
    row = OutboundDelivery.objects.get(operation=buzzin_op.CONTRACTOR_CREATE)
    env = worker_env(BUZZIN_API_URL=f"http://127.0.0.1:{partner.server_port}", BUZZIN_TIMEOUT_SECONDS="10")
    worker = Worker(rabbitmq.url, tmp_path / "worker.log", env)
    try:
        worker.send(DELIVERY_TASK_NAME, row.pk)
        assert SlowPartner.called.wait(timeout=30), worker.log()[-3000:]
        worker.process.send_signal(signal.SIGTERM)  # mid-call: the partner answers in 3 s
        assert worker.process.wait(timeout=60) == 0
        assert "Warm shutdown" in worker.log()
        attempt = DeliveryAttempt.objects.get(delivery=row)
        assert attempt.status_code == 503, "the call was answered and recorded, not cut"
        row.refresh_from_db()
        assert row.state == "pending" and row.attempt_count == 1, "left to retry: not lost, not stuck sending"
    finally:
        worker.close()
        partner.shutdown()
