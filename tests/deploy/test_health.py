"""``/health/`` names the dependency that is down; ``/health/live/`` never looks at one."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from celery import current_app

from faults.config import free_port
from faults.procs import wait_until

pytestmark = pytest.mark.django_db


def test_ready_when_database_broker_and_storage_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "down": [],
        "checks": {"database": "ok", "broker": "ok", "storage": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_liveness_is_answered_without_touching_dependencies(client, settings, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings.STORAGES = {**settings.STORAGES, "default": _storage_under(blocked)}
    assert client.get("/health/live/").json() == {"status": "ok"}


def test_storage_that_cannot_write_is_named(client, settings, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings.STORAGES = {**settings.STORAGES, "default": _storage_under(blocked)}
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["down"] == ["storage"]
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "storage": "down"}


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_broker_taken_down_is_named_and_coming_back_makes_it_ready(client, tmp_path):
    """A private redis-server as the broker: up, killed, started again."""
    port = free_port()
    # Celery prefers a CELERY_BROKER_URL in the environment to its broker_url setting; the write URL wins.
    previous = current_app.conf.broker_url, current_app.conf.broker_write_url
    current_app.conf.broker_url = current_app.conf.broker_write_url = f"redis://127.0.0.1:{port}/0"
    redis = _start_redis(port, tmp_path)
    try:
        assert client.get("/health/").status_code == 200

        redis.terminate()
        redis.wait(timeout=10)
        response = client.get("/health/")
        assert response.status_code == 503
        assert response.json()["status"] == "down"
        assert response.json()["down"] == ["broker"]
        assert response.json()["checks"] == {"database": "ok", "broker": "down", "storage": "ok"}
        assert str(port) not in response.content.decode(), "where the broker lives stays in the log"

        redis = _start_redis(port, tmp_path)
        assert client.get("/health/").status_code == 200
    finally:
        current_app.conf.broker_url, current_app.conf.broker_write_url = previous
        if redis.poll() is None:
            redis.terminate()
            redis.wait(timeout=10)


def _storage_under(path) -> dict:
    return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": path / "media"}}


def _start_redis(port: int, folder) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until(
        lambda: (
            subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True).stdout.strip()
            == "PONG"
        ),
        timeout=15,
        message="redis-server to answer",
    )
    return process
