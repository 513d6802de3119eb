"""The real thing on loopback, shared by the service and browser tests: the portal (live server),
both sandboxes and a Celery worker process.

The worker is a separate process on the configured broker (filesystem by default, Redis in the
service run) sharing the test database, so these tests need committed data (transactional_db).
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from celery import current_app
from django.conf import settings as django_settings
from django.db import connection

from portal.devrun import celery_worker_command
from sandboxes.buzzin import start_sandbox as start_buzzin
from sandboxes.catalogue import buzzin_sandbox_communities
from sandboxes.opscom.server import start_sandbox as start_opscom

ROOT = Path(__file__).resolve().parent.parent.parent
WEBHOOK_SECRET = "integration-webhook-secret"
OPSCOM_TOKEN = "integration-opscom-token"
OPSCOM_CLIENT = "OC-TEST"
ZONES = ["ZONE-A", "ZONE-B", "VISITOR"]


@dataclass
class Stack:
    portal_url: str
    buzzin: object
    opscom: object
    worker: subprocess.Popen | None = None

    def buzzin_state(self) -> dict:
        return requests.get(f"{self.buzzin.url}/_sandbox/state", timeout=5).json()

    def buzzin_stats(self) -> dict:
        return requests.get(f"{self.buzzin.url}/_sandbox/stats", timeout=5).json()

    def opscom_state(self) -> dict:
        return requests.get(f"{self.opscom.url}/_sandbox/state", timeout=5).json()

    def opscom_stats(self) -> dict:
        return requests.get(f"{self.opscom.url}/_sandbox/stats", timeout=5).json()

    def sync_catalogue(self) -> None:
        for community in buzzin_sandbox_communities():
            requests.post(f"{self.buzzin.url}/_sandbox/communities", json=community, timeout=5).raise_for_status()


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def wait_until(predicate, *, timeout: float = 60.0, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


@pytest.fixture
def stack(live_server, settings, transactional_db, tmp_path):
    """Sandboxes pointed at the live portal; settings pointed at the sandboxes. No worker yet."""
    buzzin = start_buzzin(
        webhook_url=f"{live_server.url}/webhooks/buzzin/",
        webhook_secret=WEBHOOK_SECRET,
        accept_delay=0.3,
        auto_approve_contractors_after=0.2,
    )
    opscom = start_opscom(client_code=OPSCOM_CLIENT, api_token=OPSCOM_TOKEN, zones=ZONES)
    settings.BUZZIN_API_URL = buzzin.url
    settings.BUZZIN_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.OPSCOM_API_URL = opscom.url
    settings.OPSCOM_CLIENT_CODE = OPSCOM_CLIENT
    settings.OPSCOM_API_TOKEN = OPSCOM_TOKEN
    settings.BUZZIN_API_KEY = "integration-buzzin-key"
    settings.OUTBOX_DISPATCH = True
    yield Stack(portal_url=live_server.url, buzzin=buzzin, opscom=opscom)
    buzzin.stop()
    opscom.stop()


@pytest.fixture
def worker(stack, settings, tmp_path):
    """A real Celery worker process on its own queue of the configured broker."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    previous_queue = current_app.conf.task_default_queue
    # Webhook tasks follow to this queue's webhook queue: the router reads it when a task is sent.
    current_app.conf.task_default_queue = queue
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_QUEUE": queue,
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_BROKER_DIR": str(django_settings.CELERY_BROKER_DIR),
        "OUTBOX_DISPATCH": "true",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "BUZZIN_API_URL": stack.buzzin.url,
        "BUZZIN_API_KEY": settings.BUZZIN_API_KEY,
        "BUZZIN_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "OPSCOM_API_URL": stack.opscom.url,
        "OPSCOM_CLIENT_CODE": OPSCOM_CLIENT,
        "OPSCOM_API_TOKEN": OPSCOM_TOKEN,
        "DELIVERY_BACKOFF_BASE_SECONDS": "0.2",
        "DELIVERY_BACKOFF_MAX_SECONDS": "2",
        "CELERY_VISIBILITY_TIMEOUT": "5",
    }
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        celery_worker_command(queue=queue, name=f"{queue}@%h"),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    stack.worker = process
    try:
        wait_until(
            lambda: "ready." in log_path.read_text() or process.poll() is not None,
            timeout=60,
            message="the Celery worker to start",
        )
        if process.poll() is not None:
            raise AssertionError(f"worker exited:\n{log_path.read_text()[-3000:]}")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        current_app.conf.task_default_queue = previous_queue
        if os.environ.get("SHOW_WORKER_LOG"):
            print(log_path.read_text())
