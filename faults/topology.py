"""The production topology on loopback, under supervisord: the proxy (nginx), web processes, workers and beat,
each started with the image's entrypoint (``python -m portal.ops.entrypoint ROLE``) and restarted by
supervisord when it dies (``autorestart``), as in ``deploy/supervisord.conf``.

Each program is its own process group, so a kill of one takes its children too (gunicorn's workers, Celery's
pool), like a container or a machine going away.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path

from .config import ROOT, free_port
from .procs import wait_until

NGINX_LOCATIONS = ROOT / "deploy" / "nginx" / "portal-locations.conf"


@dataclass
class Program:
    name: str
    role: str  # an entrypoint role, or "proxy"
    env: dict[str, str] = field(default_factory=dict)
    port: int | None = None  # what it serves: HTTP for web and proxy, metrics for a worker


@dataclass
class Topology:
    folder: Path
    env: dict[str, str]
    webs: int = 2
    workers: int = 3
    worker_concurrency: int = 2
    web_threads: int = 8
    programs: list[Program] = field(default_factory=list)
    process: subprocess.Popen | None = None

    def __post_init__(self):
        for n in range(1, self.webs + 1):
            port = free_port()
            metrics = self.folder / "metrics" / f"web-{n}"
            program_env = {"PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": "1"}
            program_env |= {"WEB_THREADS": str(self.web_threads), "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
            self.programs.append(Program(f"web-{n}", "web", program_env, port))
        for n in range(1, self.workers + 1):
            port = free_port()
            program_env = {
                "WORKER_NAME": f"worker-{n}@%h",
                "WORKER_CONCURRENCY": str(self.worker_concurrency),
                "WORKER_METRICS_PORT": str(port),
                "WORKER_METRICS_ADDR": "127.0.0.1",
                "PROMETHEUS_MULTIPROC_DIR": str(self.folder / "metrics" / f"worker-{n}"),
            }
            self.programs.append(Program(f"worker-{n}", "worker", program_env, port))
        self.programs.append(Program("beat", "beat"))
        self.programs.append(Program("proxy", "proxy", port=free_port()))

    # --- configuration -------------------------------------------------------------------------------

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.program('proxy').port}"

    def program(self, name: str) -> Program:
        return next(p for p in self.programs if p.name == name)

    def of_role(self, role: str) -> list[Program]:
        return [p for p in self.programs if p.role == role]

    def nginx_conf(self) -> str:
        prefix = self.folder / "nginx"
        servers = "\n".join(
            f"        server 127.0.0.1:{p.port} max_fails=1 fail_timeout=5s;" for p in self.of_role("web")
        )
        temp = "\n".join(
            f"    {kind}_temp_path {prefix}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        return f"""worker_processes 1;
pid {prefix}/nginx.pid;
error_log {self.folder}/logs/proxy-error.log warn;
events {{ worker_connections 2048; }}
http {{
{temp}
    map $http_x_request_id $portal_request_id {{
        default $http_x_request_id;
        ""      $request_id;
    }}
    access_log off;
    upstream portal {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{self.program("proxy").port};
        include {NGINX_LOCATIONS};
    }}
}}
"""

    def command(self, program: Program) -> str:
        if program.role == "proxy":
            prefix = self.folder / "nginx"
            return f"{nginx_binary()} -p {prefix} -c {prefix}/nginx.conf -g 'daemon off;'"
        return f"{sys.executable} -m portal.ops.entrypoint {program.role}"

    def supervisord_conf(self) -> str:
        folder, logs = self.folder, self.folder / "logs"
        lines = [
            "[unix_http_server]",
            f"file={folder}/supervisor.sock",
            "[supervisord]",
            f"logfile={logs}/supervisord.log",
            f"pidfile={folder}/supervisord.pid",
            f"childlogdir={logs}",
            "nodaemon=true",
            "[rpcinterface:supervisor]",
            "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
            "[supervisorctl]",
            f"serverurl=unix://{folder}/supervisor.sock",
        ]
        for program in self.programs:
            environment = ",".join(f'{key}="{_escape(value)}"' for key, value in program.env.items())
            lines += [
                f"[program:{program.name}]",
                f"command={self.command(program)}",
                f"directory={ROOT}",
                "autorestart=true",
                "startsecs=1",
                "startretries=10",
                "stopsignal=TERM",
                # Warm shutdown: a worker finishes its running tasks first (up to the task time limit).
                f"stopwaitsecs={30 if program.role == 'worker' else 10}",
                "stopasgroup=true",
                "killasgroup=true",
                "redirect_stderr=true",
                f"stdout_logfile={logs}/{program.name}.log",
                "stdout_logfile_maxbytes=0",
            ]
            if environment:
                lines.append(f"environment={environment}")
        return "\n".join(lines) + "\n"

    # --- running -------------------------------------------------------------------------------------

    def start(self) -> None:
        (self.folder / "logs").mkdir(parents=True, exist_ok=True)
        nginx = self.folder / "nginx"
        nginx.mkdir(parents=True, exist_ok=True)
        (nginx / "nginx.conf").write_text(self.nginx_conf())
        (self.folder / "supervisord.conf").write_text(self.supervisord_conf())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "supervisor.supervisord", "-c", str(self.folder / "supervisord.conf")],
            cwd=ROOT,
            env=self.env,
            stdout=(self.folder / "logs" / "supervisord.out").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(self._all_running, timeout=90, interval=0.5, message="every supervised program to run")
        for program in self.of_role("web"):
            wait_until(lambda p=program: _answers(f"http://127.0.0.1:{p.port}/health/live/"), timeout=60)
        wait_until(lambda: _answers(f"{self.proxy_url}/health/live/"), timeout=30, message="the proxy")
        for program in self.of_role("worker"):
            log = self.folder / "logs" / f"{program.name}.log"
            wait_until(lambda log=log: "ready." in log.read_text(errors="replace"), timeout=90, message="workers")

    def rpc(self):
        from supervisor.xmlrpc import SupervisorTransport

        transport = SupervisorTransport(None, None, f"unix://{self.folder}/supervisor.sock")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor

    def _all_running(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError((self.folder / "logs" / "supervisord.out").read_text()[-3000:])
        try:
            infos = self.rpc().getAllProcessInfo()
        except (OSError, xmlrpc.client.Fault):
            return False
        failed = [i for i in infos if i["statename"] in ("FATAL", "BACKOFF")]
        if failed:
            raise RuntimeError(f"supervisord could not start {[i['name'] for i in failed]}")
        return len(infos) == len(self.programs) and all(i["statename"] == "RUNNING" for i in infos)

    def pid(self, name: str) -> int:
        return int(self.rpc().getProcessInfo(name)["pid"])

    def kill(self, name: str) -> dict:
        """SIGKILL the program's whole process group; returns how long supervisord took to run it again."""
        old = self.pid(name)
        killed_at = time.monotonic()
        os.killpg(old, signal.SIGKILL)

        def back() -> bool:
            info = self.rpc().getProcessInfo(name)
            return info["statename"] == "RUNNING" and int(info["pid"]) not in (0, old)

        wait_until(back, timeout=60, interval=0.1, message=f"supervisord to restart {name}")
        return {
            "program": name,
            "old_pid": old,
            "new_pid": self.pid(name),
            "back_after_s": time.monotonic() - killed_at,
        }

    def stop(self) -> None:
        """supervisord stops every program with SIGTERM (warm shutdown for workers), then exits."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        for program in self.programs:  # anything a killed group left behind (none expected)
            with contextlib.suppress(OSError, xmlrpc.client.Fault, ValueError):
                os.killpg(self.pid(program.name), signal.SIGKILL)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def _escape(value: str) -> str:
    return value.replace("%", "%%").replace('"', '\\"')


def _answers(url: str) -> bool:
    import requests

    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False
