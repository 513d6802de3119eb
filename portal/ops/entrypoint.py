"""The image's entrypoint, and the command every supervised process runs: ``python -m portal.ops.entrypoint ROLE``.

- ``web``: gunicorn with ``deploy/gunicorn.conf.py`` (``PORT``, ``WEB_CONCURRENCY``, ``WEB_THREADS``);
- ``worker``: a Celery worker on ``CELERY_QUEUE`` and its webhook queue (``portal.queues``), ``WORKER_CONCURRENCY``
  pool processes, ``WORKER_NAME``;
  SIGTERM is Celery's warm shutdown: no new task is taken, running ones finish and are acknowledged;
- ``beat``: the one beat (``portal.ops.beat``);
- ``release``: migrations and the default schedules, once per deploy before the new processes start.

Before it starts a server, the role empties its ``PROMETHEUS_MULTIPROC_DIR`` (counters of a previous run
must not be added to this one's). Anything after the role is passed on to the command.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from portal.devrun import celery_worker_command

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


def command(role: str, extra: list[str]) -> list[str]:
    py = sys.executable
    if role == "web":
        return [py, "-m", "gunicorn", "portal.wsgi:application", "--config", str(GUNICORN_CONFIG), *extra]
    if role == "worker":
        worker = celery_worker_command(
            queue=os.environ.get("CELERY_QUEUE", "celery"),
            name=os.environ.get("WORKER_NAME", "worker@%h"),
            concurrency=int(os.environ.get("WORKER_CONCURRENCY", "2")),
        )
        return [*worker, *extra]
    if role == "beat":
        return [py, "-m", "celery", "-A", "portal", "beat", "-l", "info", "--pidfile=", *extra]
    if role == "release":
        return [py, "-c", "from portal.ops.entrypoint import release; release()"]
    raise SystemExit(f"unknown role {role!r}: web, worker, beat or release")


def release() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--no-input")
    call_command("install_schedules")


def fresh_metrics_dir() -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    role = args.pop(0) if args else "web"
    argv_to_run = command(role, args)
    if role in ("web", "worker"):
        fresh_metrics_dir()
    os.chdir(ROOT)
    os.execv(argv_to_run[0], argv_to_run)


if __name__ == "__main__":
    main()
