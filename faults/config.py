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


DEFAULT_TIME_SCALE = 0.1  # the production retry policy, ten times faster
OPSCOM_CODE = "OC-FAULTS"
OPSCOM_TOKEN = "faults-opscom-token-0123456789"
PARKING_ZONE = "ZONE-A"
# The delivery settings of the production policy (portal.settings.base, which production.py keeps): the run
# never sets them, so a stray one in the environment is dropped; only DELIVERY_TIME_SCALE is the run's own.
POLICY_VARIABLES = (
    "DELIVERY_MAX_ATTEMPTS",
    "DELIVERY_BACKOFF_BASE_SECONDS",
    "DELIVERY_BACKOFF_MAX_SECONDS",
    "DELIVERY_WAIT_MAX_ATTEMPTS",
    "DELIVERY_STUCK_SENDING_SECONDS",
    "DELIVERY_RELAY_GRACE_SECONDS",
    "DELIVERY_RELAY_BATCH",
    "BUZZIN_TIMEOUT_SECONDS",
    "OPSCOM_TIMEOUT_SECONDS",
)


@dataclass
class Floors:
    """What the run must prove it did: each fault at least this often, each one checked after the fact."""

    kills_mid_send: int = 3  # worker SIGKILLed while its call was at the partner, before the partner applied it
    kills_after_apply: int = 3  # worker SIGKILLed after the partner applied a call, before the answer came back
    broker_restarts: int = 2  # broker stopped (port closed) and back (answering)
    web_kills_after_commit: int = 3  # web worker SIGKILLed after a change committed, before the client got its answer
    outage_refusals: int = 50  # calls the partners refused during their outage (their own count)


@dataclass
class Options:
    changes: int
    permits: int
    time_scale: float
    outage_seconds: float | None
    kills_mid_send: int
    kills_after_apply: int
    broker_restarts: int
    broker_down_seconds: float
    web_kills: int
    http_threads: int
    drain_timeout: float
    redis: str
    seed: int
    keep_logs: bool
    floors: Floors = field(default_factory=Floors)


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
    parser.add_argument("--changes", type=int, default=320, help="changes in all, every kind (default 320)")
    parser.add_argument("--permits", type=int, default=30, help="active permits the changes are made on (default 30)")
    parser.add_argument(
        "--time-scale",
        type=float,
        default=DEFAULT_TIME_SCALE,
        help=f"DELIVERY_TIME_SCALE: production's retry policy, each duration times this (default {DEFAULT_TIME_SCALE})",
    )
    parser.add_argument(
        "--outage-seconds",
        type=float,
        default=None,
        help="both partners answer 503 this long (default: 12 backoff bases of the scaled policy, 60 s unscaled)",
    )
    parser.add_argument("--kills-mid-send", type=int, default=3, help="worker SIGKILLs before the partner applied")
    parser.add_argument("--kills-after-apply", type=int, default=3, help="worker SIGKILLs after the partner applied")
    parser.add_argument("--broker-restarts", type=int, default=2, help="broker restarts (or folder outages)")
    parser.add_argument("--broker-down-seconds", type=float, default=2.0, help="broker down this long each time")
    parser.add_argument("--web-kills", type=int, default=3, help="gunicorn SIGKILLs after a commit, before the answer")
    parser.add_argument("--http-threads", type=int, default=4, help="concurrent API clients (and gunicorn threads)")
    parser.add_argument("--drain-timeout", type=float, default=120.0, help="seconds to wait for every row")
    parser.add_argument(
        "--floors",
        choices=("full", "scaled"),
        default="full",
        help="full: the floors of CI (3 kills of each kind, 2 broker restarts, 3 web kills, 50 refusals);"
        " scaled: each floor at most the count asked for, 10 refusals (quick local runs)",
    )
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
    if args.changes < 40 or args.permits < 4:
        parser.error("--changes must be at least 40 and --permits at least 4")
    if args.time_scale <= 0:
        parser.error("--time-scale must be positive")
    options = Options(**{name: getattr(args, name) for name in Options.__dataclass_fields__ if name != "floors"})
    if args.floors == "scaled":
        floors = Floors()
        options.floors = Floors(
            kills_mid_send=min(floors.kills_mid_send, args.kills_mid_send),
            kills_after_apply=min(floors.kills_after_apply, args.kills_after_apply),
            broker_restarts=min(floors.broker_restarts, args.broker_restarts),
            web_kills_after_commit=min(floors.web_kills_after_commit, args.web_kills),
            outage_refusals=10,
        )
    return options


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
    """One environment for this process, the worker and gunicorn (the sandbox URLs are added once they run).

    The delivery retry policy is production's own (none of ``POLICY_VARIABLES`` is set), with every duration
    multiplied by ``DELIVERY_TIME_SCALE``.
    """
    inherited = {name: value for name, value in os.environ.items() if name not in POLICY_VARIABLES}
    return {
        **inherited,
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
        "DELIVERY_TIME_SCALE": repr(getattr(plan.options, "time_scale", DEFAULT_TIME_SCALE)),
        "OPSCOM_CLIENT_CODE": OPSCOM_CODE,
        "OPSCOM_API_TOKEN": OPSCOM_TOKEN,
        "API_RATE_LIMIT": "100000/min",
        "AXES_ENABLED": "false",
        "SANDBOXES_ENABLED": "true",
        "PYTHONUNBUFFERED": "1",
    }
