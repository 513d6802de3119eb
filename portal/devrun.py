"""``make run``: the whole portal on one machine, with nothing installed but Python.

Migrates, seeds the demo, starts the Buzz-In and OPS-COM sandboxes, a Celery worker and beat,
and the web server; prints the URLs, accounts and password last (after the worker's start-up
banner, so they stay on screen); stops everything on Ctrl-C.
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
import threading
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


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    stdout = subprocess.PIPE if capture else None  # errors still reach the terminal
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=stdout, text=True)
    return done.stdout if capture else ""


def echo_until_ready(child: subprocess.Popen, ready: threading.Event, marker: str = " ready.") -> None:
    """Copy a child's output to ours; set ``ready`` once it prints ``marker`` (Celery: "celery@host ready.")."""
    for line in child.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if marker in line:
            ready.set()
    ready.set()  # the child ended: nobody waits for it any longer


def summary(env: dict[str, str], demo: str) -> str:
    """What a newcomer needs, printed last so it is on screen: where to go, and as whom."""
    site = env["SITE_URL"]
    lines = [
        "",
        "=" * 78,
        f"  The portal is running: {site}/",
        f"  Admin (property managers, operators): {site}/admin/",
        f"  JSON API: {site}/api/v1/  (reference: {site}/api/docs/)",
        "",
        *(line.rstrip() for line in demo.splitlines() if _worth_repeating(line)),
        "",
        "  Ctrl-C stops everything.",
        "=" * 78,
        "",
    ]
    return "\n".join(lines)


def _worth_repeating(line: str) -> bool:
    """The seed's accounts, password and API keys (its URLs are in the summary already)."""
    text = line.strip()
    return bool(text) and "http" not in text and text != "Demo data ready."


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
    demo = manage(env, "seed_demo", capture=True)
    manage(env, "install_schedules")
    webhook_url = f"{env['SITE_URL']}/webhooks/buzzin/"
    write_buzzin_config(env, webhook_url=webhook_url)
    children: dict[str, subprocess.Popen] = {}
    worker_ready = threading.Event()
    for name, command in services(env).items():
        if name == "worker":  # its start-up banner is long: the summary waits until it has been printed
            child = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
            )
            threading.Thread(target=echo_until_ready, args=(child, worker_ready), daemon=True).start()
            children[name] = child
        else:
            children[name] = subprocess.Popen(command, cwd=ROOT, env=env)
    stop = False

    def request_stop(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    if wait_for_port(*WEB):
        worker_ready.wait(timeout=60)
        time.sleep(0.5)  # let the last banner lines of the other children land first
        print(summary(env, demo), flush=True)
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
