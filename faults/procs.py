"""The processes of a run: Celery worker, gunicorn, Redis or RabbitMQ, and the broker folder; each one on loopback.

Every process is started in its own session (process group) and stopped by its own id in the
run's ``finally``; nothing is looked up by name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from portal.devrun import celery_worker_command

from .config import ROOT, Plan


def wait_until(predicate, *, timeout: float, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {message}")


def kill_group(process: subprocess.Popen | None, sig: int = signal.SIGKILL) -> None:
    """Signal the process group a child leads (it was started with ``start_new_session``)."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return


def stop(process: subprocess.Popen | None, timeout: float = 10) -> None:
    if process is None:
        return
    kill_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process, signal.SIGKILL)
        process.wait(timeout=5)
    # Children of a group leader that exited first (a pool process) go with the group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def children_of(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


WORKER_CONCURRENCY = 3


class Worker:
    """``celery worker`` on the run's own queues, three pool processes; restarted after every kill."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.crashes: list[str] = []  # exits nobody asked for, with the worker's last critical line
        self.lock = threading.RLock()
        self._log = None
        self._supervisor: threading.Thread | None = None
        self._stopping = threading.Event()

    def supervise(self) -> None:
        """Restart the worker when it dies on its own, as systemd's ``Restart=always`` would; each such
        death is reported (it is a finding, even though the outbox survives it)."""

        def loop() -> None:
            while not self._stopping.wait(0.5):
                with self.lock:
                    if self._stopping.is_set() or self.process is None or self.process.poll() is None:
                        continue
                    self.crashes.append(self._last_critical())
                    self.start()

        self._supervisor = threading.Thread(target=loop, name="worker-supervisor", daemon=True)
        self._supervisor.start()

    def _last_critical(self) -> str:
        log = (self.plan.logs / f"worker-{self.starts}.log").read_text(errors="replace").splitlines()
        critical = [line for line in log if "CRITICAL" in line or "Unrecoverable" in line]
        return (critical[-1] if critical else f"exit status {self.process.returncode}")[:300]

    def start(self) -> None:
        with self.lock:
            self._start()

    def _start(self) -> None:
        self.starts += 1
        log_path = self.plan.logs / f"worker-{self.starts}.log"
        self._log = log_path.open("w")
        command = celery_worker_command(
            queue=self.plan.queue, name=f"{self.plan.queue}-{self.starts}@%h", concurrency=WORKER_CONCURRENCY
        )
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.plan.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_until(
            lambda: "ready." in log_path.read_text() or self.process.poll() is not None,
            timeout=60,
            interval=0.2,
            message="the Celery worker to start",
        )
        if self.process.poll() is not None:
            raise RuntimeError(f"the worker exited:\n{log_path.read_text()[-3000:]}")

    def restart_after_kill(self) -> None:
        """A new worker once the fault script killed this one (its process is gone)."""
        with self.lock:
            if self.process is not None and self.process.poll() is None:
                kill_group(self.process, signal.SIGKILL)
                self.process.wait(timeout=10)
            self._start()

    def stop(self) -> None:
        self._stopping.set()
        with self.lock:
            stop(self.process)
        if self._log is not None:
            self._log.close()


class Web:
    """gunicorn serving the portal on 127.0.0.1: one worker with threads, so one SIGKILL drops every request."""

    def __init__(self, plan: Plan, threads: int):
        self.plan = plan
        self.threads = threads
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.kills = 0
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, port: int) -> None:
        self.port = port
        self._log = (self.plan.logs / "gunicorn.log").open("w")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            str(self.threads),
            "--preload",  # a killed worker is replaced by a fork, in milliseconds
            "--timeout",
            "30",
            "--graceful-timeout",
            "2",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.plan.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_until(self.ready, timeout=60, interval=0.2, message="gunicorn to answer")

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{(self.plan.logs / 'gunicorn.log').read_text()[-3000:]}")
        try:
            return requests.get(f"{self.url}/api/v1/permits/none", timeout=2).status_code in (401, 403, 404)
        except requests.RequestException:
            return False

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid) if self.process else []

    def kill_worker(self) -> int | None:
        """SIGKILL the serving worker (the master forks a new one); returns the pid killed."""
        pids = self.worker_pids()
        if pids:
            self.kills += 1
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return pids[0] if pids else None

    def stop(self) -> None:
        stop(self.process)
        if self._log is not None:
            self._log.close()


class Redis:
    """The Redis broker of the run and how to restart it (always left running)."""

    FLAGS = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]

    def __init__(self, plan: Plan):
        self.plan = plan
        self.port = plan.redis_port
        self.private = plan.redis_private
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    def ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "ping"], capture_output=True, text=True, timeout=5
        )
        return result.stdout.strip() == "PONG"

    def start(self) -> None:
        if self.private:
            log = (self.plan.logs / "redis.log").open("a")
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), *self.FLAGS],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            log.close()
        else:  # exactly as CI and the shared machine start it
            subprocess.run(["redis-server", "--daemonize", "yes", "--port", str(self.port), *self.FLAGS], check=True)
        wait_until(self.ping, timeout=15, interval=0.1, message="Redis to answer")

    def shut_down(self) -> None:
        if self.private:
            stop(self.process)
        else:
            subprocess.run(
                ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "shutdown", "nosave"],
                capture_output=True,
                timeout=10,
            )
        wait_until(lambda: not self.ping(), timeout=10, interval=0.1, message="Redis to stop")

    def restart(self, down_seconds: float) -> None:
        self.shut_down()
        time.sleep(down_seconds)
        self.start()
        self.restarts += 1

    def ensure_running(self) -> None:
        """For the shared Redis: whatever happened, it is running when the run ends."""
        if not self.private and not self.ping():
            self.start()

    def stop(self) -> None:
        if self.private:
            stop(self.process)
        else:
            self.ensure_running()


class BrokerFolder:
    """The filesystem broker "down": its queue folder disappears, so every publish fails (as with a dead
    Redis), then a new empty one appears (the queued messages are lost, as with a Redis without persistence)."""

    def __init__(self, plan: Plan):
        self.queue = plan.broker_dir / "queue"
        self.downs = 0
        self.lost_messages = 0

    def take_down(self) -> Path:
        away = self.queue.with_name(f"queue.down-{self.downs}")
        os.rename(self.queue, away)
        return away

    def bring_back(self, away: Path) -> None:
        self.queue.mkdir(exist_ok=True)  # a worker restarted meanwhile creates it at start-up
        self.lost_messages += sum(1 for _ in away.iterdir())
        for message in away.iterdir():
            message.unlink()
        away.rmdir()
        self.downs += 1

    def down_for(self, seconds: float) -> None:
        away = self.take_down()
        try:
            time.sleep(seconds)
        finally:
            self.bring_back(away)


RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"  # Debian's, without the wrapper that switches user


def rabbitmq_server_command() -> str | None:
    return RABBITMQ_SERVER if Path(RABBITMQ_SERVER).exists() else shutil.which("rabbitmq-server")


class RabbitMQ:
    """A private RabbitMQ node of the run on free loopback ports, its data under ``var``: stopped with SIGTERM
    (a clean shutdown) and started again on the same data, as a restarted production node would be.
    The shared RabbitMQ server is never touched."""

    def __init__(self, *, port: int, dist_port: int, base: Path, log: Path, name: str):
        self.port = port
        self.dist_port = dist_port
        self.base = base
        self.log = log
        self.name = name
        self.private = True
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    @classmethod
    def for_plan(cls, plan: Plan) -> RabbitMQ:
        return cls(
            port=plan.rabbitmq_port,
            dist_port=plan.rabbitmq_dist_port,
            base=plan.logs.parent / "rabbitmq",
            log=plan.logs / "rabbitmq.log",
            name=f"{plan.queue}@localhost",
        )

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def environment(self) -> dict[str, str]:
        base = self.base
        (base / "enabled_plugins").write_text("[].\n")
        (base / "rabbitmq-env.conf").write_text("ERL_EPMD_ADDRESS=127.0.0.1\n")
        return {
            **os.environ,
            "HOME": str(base),  # its own Erlang cookie
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_CONF_ENV_FILE": str(base / "rabbitmq-env.conf"),
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq"),  # none: the defaults
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(base / "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_PID_FILE": str(base / "rabbitmq.pid"),
            "RABBITMQ_PLUGINS_EXPAND_DIR": str(base / "plugins-expand"),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        }

    def ping(self) -> bool:
        """An AMQP handshake succeeds (the port alone opens before the node accepts connections)."""
        import amqp

        connection = amqp.Connection(host=f"127.0.0.1:{self.port}", connect_timeout=1)
        try:
            connection.connect()
        except (OSError, amqp.exceptions.AMQPError):
            return False
        with contextlib.suppress(Exception):
            connection.close()
        return True

    def _port_open(self) -> bool:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def start(self) -> None:
        command = rabbitmq_server_command()
        if command is None:
            raise RuntimeError("rabbitmq-server is not installed (make broker-deps)")
        if self.process is None:  # the first start: a node of its own, with nothing from an earlier run
            shutil.rmtree(self.base, ignore_errors=True)
        self.base.mkdir(parents=True, exist_ok=True)
        log = self.log.open("a")
        self.process = subprocess.Popen(
            [command], env=self.environment(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

        def up() -> bool:
            if self.process.poll() is not None:
                tail = self.log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"rabbitmq-server exited:\n{tail}")
            return self.ping()

        wait_until(up, timeout=90, interval=0.3, message="RabbitMQ to answer")

    def shut_down(self) -> None:
        stop(self.process, timeout=60)
        wait_until(lambda: not self._port_open(), timeout=10, interval=0.1, message="RabbitMQ to stop")

    def restart(self, down_seconds: float) -> None:
        self.shut_down()
        time.sleep(down_seconds)
        self.start()
        self.restarts += 1

    def stop(self) -> None:
        stop(self.process, timeout=60)
