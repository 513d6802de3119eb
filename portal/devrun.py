"""``make run``: the whole portal on one machine, with nothing installed but Python.

Migrates, seeds the demo, starts the Buzz-In and OPS-COM sandboxes, a Celery worker and beat,
and the web server; prints the URL and the accounts; stops everything on Ctrl-C.
Secrets for the sandboxes are generated once into ``var/dev.env`` (git-ignored). The sandboxes are not
part of the production package: they run from the checkout (``sandboxes/``, beside ``faults/`` and ``bench/``).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from portal.queues import worker_queues

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DEV_ENV = VAR / "dev.env"
WEB = ("127.0.0.1", 8000)
BUZZIN_PORT, OPSCOM_PORT = 8101, 8102
BUZZIN_CONFIG = VAR / "buzzin-sandbox.json"


def dev_secrets() -> dict[str, str]:
    """Random secrets shared by the portal and its sandboxes, generated on the first run."""
    if not DEV_ENV.exists():
        VAR.mkdir(exist_ok=True)
        DEV_ENV.write_text(
            f"BUZZIN_API_KEY={secrets.token_hex(16)}\n"
            f"BUZZIN_WEBHOOK_SECRET={secrets.token_hex(24)}\n"
            f"OPSCOM_API_TOKEN=dev-{secrets.token_hex(12)}\n"
        )
        DEV_ENV.chmod(0o600)
    pairs = (line.split("=", 1) for line in DEV_ENV.read_text().splitlines() if "=" in line)
    return {key: value for key, value in pairs}


def environment() -> dict[str, str]:
    env = {**dev_secrets(), **os.environ}  # anything exported by the user wins
    env.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    env.setdefault("DEBUG", "true")  # the settings default to off; the local dev run shows debug pages
    env.setdefault("BUZZIN_API_URL", f"http://127.0.0.1:{BUZZIN_PORT}")
    env.setdefault("OPSCOM_API_URL", f"http://127.0.0.1:{OPSCOM_PORT}")
    env.setdefault("SITE_URL", f"http://{WEB[0]}:{WEB[1]}")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for_port(host: str, port: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.3)
    return False


def celery_worker_command(*, queue: str = "celery", name: str = "celery@%h", concurrency: int = 2) -> list[str]:
    """A worker on ``queue`` and its webhook queue (``portal.queues``). One worker alone needs no gossip, mingle
    or heartbeats: it starts faster."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portal",
        "worker",
        "-Q",
        ",".join(worker_queues(queue)),
        "-n",
        name,
        "-c",
        str(concurrency),
        "-l",
        "info",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
    ]


def write_buzzin_config(env: dict[str, str], *, webhook_url: str) -> None:
    """The Buzz-In sandbox learns the demo's communities, properties and units from the database."""
    command = [sys.executable, "-m", "sandboxes.buzzin_config", "--output", str(BUZZIN_CONFIG)]
    subprocess.run([*command, "--webhook-url", webhook_url], cwd=ROOT, env=env, check=True)


def services(env: dict[str, str]) -> dict[str, list[str]]:
    py = sys.executable
    return {
        "buzzin-sandbox": [
            py,
            "-m",
            "sandboxes.buzzin",
            "--port",
            str(BUZZIN_PORT),
            "--config-file",
            str(BUZZIN_CONFIG),
        ],
        "opscom-sandbox": [
            py,
            "-m",
            "sandboxes.opscom",
            "--port",
            str(OPSCOM_PORT),
            "--client-code",
            env.get("OPSCOM_CLIENT_CODE", "OC-DEMO"),
        ],
        "worker": celery_worker_command(queue=env.get("CELERY_QUEUE", "celery")),
        "beat": [py, "-m", "celery", "-A", "portal", "beat", "-l", "info", "--pidfile", str(VAR / "beat.pid")],
        "web": [py, "manage.py", "runserver", f"{WEB[0]}:{WEB[1]}", "--noreload"],
    }


def main() -> int:
    os.chdir(ROOT)
    env = environment()
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "seed_demo")
    manage(env, "install_schedules")
    webhook_url = f"{env['SITE_URL']}/webhooks/buzzin/"
    write_buzzin_config(env, webhook_url=webhook_url)
    children: dict[str, subprocess.Popen] = {}
    for name, command in services(env).items():
        children[name] = subprocess.Popen(command, cwd=ROOT, env=env)
    stop = False

    def request_stop(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    if wait_for_port(*WEB):
        print(f"\n  The portal is running: {env['SITE_URL']}/  (admin: {env['SITE_URL']}/admin/)")
        print("  Accounts and password: see the demo data printed above. Ctrl-C stops everything.\n", flush=True)
    while not stop:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"{name} exited with {child.returncode}; stopping.", file=sys.stderr)
                stop = True
        time.sleep(0.5)
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    for child in children.values():
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
