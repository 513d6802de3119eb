"""Command line and environment: everything is decided here, before Django is set up."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "faults"
FAULTS_DB_NAME = os.environ.get("FAULTS_DB_NAME", "permit_portal_faults")  # its own name on a shared server
BUZZIN_KEY = "faults-buzzin-key-0123456789"
WEBHOOK_SECRET = "faults-webhook-secret"
API_KEY = "ppk_faults_0123456789abcdefghijklmnop"


@dataclass
class Options:
    changes: int
    permits: int
    rate: float
    outage_seconds: float
    worker_kills: int
    broker_down_seconds: float
    web_kills: int
    http_threads: int
    drain_timeout: float
    redis: str
    seed: int
    keep_logs: bool


@dataclass
class Plan:
    """Where this run's pieces live: database, broker, queue, logs."""

    options: Options
    database_url: str
    postgres: bool
    broker_url: str
    broker_kind: str  # "redis" | "rabbitmq" | "filesystem"
    broker_dir: Path
    queue: str
    redis_port: int | None  # the Redis this run restarts
    redis_private: bool
    logs: Path
    rabbitmq_port: int | None = None  # the private RabbitMQ node this run restarts
    rabbitmq_dist_port: int | None = None
    env: dict[str, str] = field(default_factory=dict)


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m faults", description=__doc__)
    parser.add_argument("--changes", type=int, default=1000, help="permit changes in all (default 1000)")
    parser.add_argument("--permits", type=int, default=40, help="permits the changes are spread over (default 40)")
    parser.add_argument("--rate", type=float, default=40.0, help="in-process changes per second (default 40)")
    parser.add_argument("--outage-seconds", type=float, default=8.0, help="Buzz-In answers 503 this long")
    parser.add_argument("--worker-kills", type=int, default=2, help="SIGKILLs of the Celery worker")
    parser.add_argument("--broker-down-seconds", type=float, default=4.0, help="broker down this long")
    parser.add_argument("--web-kills", type=int, default=3, help="SIGKILLs of the gunicorn worker")
    parser.add_argument("--http-threads", type=int, default=4, help="concurrent API clients (and gunicorn threads)")
    parser.add_argument("--drain-timeout", type=float, default=150.0, help="seconds to wait for every row")
    parser.add_argument(
        "--redis",
        choices=("private", "shared"),
        default="private",
        help="with a Redis broker: start and restart a private redis-server (default) or restart the configured one;"
        " with RabbitMQ (amqp://) the run always starts and restarts a private node",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed of the change plan")
    parser.add_argument("--keep-logs", action="store_true", help="print where the logs are and keep them")
    args = parser.parse_args(argv)
    if args.changes < 4 or args.permits < 1:
        parser.error("--changes must be at least 4 and --permits at least 1")
    return Options(**{name: getattr(args, name) for name in Options.__dataclass_fields__})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def faults_database_url(configured: str | None, name: str = FAULTS_DB_NAME, var: Path = VAR) -> tuple[str, bool]:
    """The same PostgreSQL server with a database of the run's own, or a SQLite file under ``var``."""
    if configured and configured.startswith(("postgres://", "postgresql://", "pgsql://")):
        parts = urlsplit(configured)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, "")), True
    return f"sqlite:///{var / (name + '.sqlite3')}", False


def make_plan(options: Options) -> Plan:
    VAR.mkdir(parents=True, exist_ok=True)
    database_url, postgres = faults_database_url(os.environ.get("DATABASE_URL"))
    configured_broker = os.environ.get("CELERY_BROKER_URL", "filesystem://")
    logs = VAR / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    broker_dir = VAR / "broker"
    if configured_broker.startswith(("redis://", "rediss://")):
        parts = urlsplit(configured_broker)
        private = options.redis == "private" and shutil.which("redis-server") is not None
        if private:
            port = free_port()
            broker_url = f"redis://127.0.0.1:{port}/0"
        else:
            port = parts.port or 6379
            broker_url = configured_broker
        kind = "redis"
    elif configured_broker.startswith(("amqp://", "amqps://", "pyamqp://")):
        port = free_port()
        broker_url, kind, private = f"amqp://guest:guest@127.0.0.1:{port}//", "rabbitmq", True
    else:
        shutil.rmtree(broker_dir, ignore_errors=True)
        broker_url, kind, port, private = "filesystem://", "filesystem", None, False
    plan = Plan(
        options=options,
        database_url=database_url,
        postgres=postgres,
        broker_url=broker_url,
        broker_kind=kind,
        broker_dir=broker_dir,
        queue=f"faults-{uuid.uuid4().hex[:10]}",
        redis_port=port if kind == "redis" else None,
        redis_private=private,
        logs=logs,
        rabbitmq_port=port if kind == "rabbitmq" else None,
        rabbitmq_dist_port=free_port() if kind == "rabbitmq" else None,
    )
    plan.env = environment(plan)
    return plan


def environment(plan: Plan) -> dict[str, str]:
    """One environment for this process, the worker and gunicorn (the sandbox URL is added once it runs)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DATABASE_URL": plan.database_url,
        "DB_CONN_MAX_AGE": "0",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": os.environ.get("FAULTS_LOG_LEVEL", "WARNING"),
        "CELERY_BROKER_URL": plan.broker_url,
        "CELERY_BROKER_DIR": str(plan.broker_dir),
        "CELERY_QUEUE": plan.queue,
        "CELERY_VISIBILITY_TIMEOUT": "10",
        "OUTBOX_DISPATCH": "true",
        "MEDIA_ROOT": str(VAR / "media"),
        "BUZZIN_API_KEY": BUZZIN_KEY,
        "BUZZIN_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "BUZZIN_TIMEOUT_SECONDS": "5",
        "DELIVERY_BACKOFF_BASE_SECONDS": "0.2",
        "DELIVERY_BACKOFF_MAX_SECONDS": "2",
        # The retry budget outlasts the outage (25 tries, capped at 2 s, ~20 s on average): a row
        # that runs out of tries during a long outage fails by policy (an admin retries it).
        "DELIVERY_MAX_ATTEMPTS": "25",
        "DELIVERY_STUCK_SENDING_SECONDS": "15",
        # With the filesystem broker a backlog of queued tasks takes longer than 2 s to clear (every get
        # lists the whole folder); a short grace then makes the relay queue the same rows again and again.
        "DELIVERY_RELAY_GRACE_SECONDS": "15" if plan.broker_kind == "filesystem" else "2",
        "DELIVERY_RELAY_BATCH": "500",
        "API_RATE_LIMIT": "100000/min",
        "AXES_ENABLED": "false",
        "SANDBOXES_ENABLED": "true",
        "PYTHONUNBUFFERED": "1",
    }
