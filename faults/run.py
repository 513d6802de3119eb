"""The run: setup, four phases of changes each with its fault, drain, verdict."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

from . import config, seed
from .config import Plan
from .procs import BrokerFolder, RabbitMQ, Redis, Web, Worker

logger = logging.getLogger("faults")


STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[faults {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    options = config.parse_args(argv)
    plan = config.make_plan(options)
    signal.signal(signal.SIGTERM, _interrupt)  # a CI timeout still runs the finally blocks below
    started = time.monotonic()
    try:
        code = Run(plan).execute()
    except KeyboardInterrupt:
        say("interrupted")
        code = 130
    say(f"total {time.monotonic() - started:.1f}s")
    if options.keep_logs or code != 0:
        say(f"logs: {plan.logs}")
    return code


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Run:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.options = plan.options
        self.redis: Redis | None = Redis(plan) if plan.broker_kind == "redis" else None
        self.rabbitmq: RabbitMQ | None = RabbitMQ.for_plan(plan) if plan.broker_kind == "rabbitmq" else None
        self.folder = BrokerFolder(plan) if plan.broker_kind == "filesystem" else None
        self.worker = Worker(plan)
        self.web = Web(plan, threads=self.options.http_threads)
        self.sandbox = None
        self.relay = None
        self.notes: dict[str, object] = {}

    def execute(self) -> int:
        try:
            return self._execute()
        finally:
            self._stop_everything()

    def _execute(self) -> int:
        plan, options = self.plan, self.options
        broker = f"filesystem ({plan.broker_dir})" if plan.broker_kind == "filesystem" else plan.broker_url
        say(f"database {plan.database_url.split('@')[-1]}, broker {broker.split('@')[-1]}, queue {plan.queue}")
        if self.redis is not None and self.redis.private:
            self.redis.start()
        if self.rabbitmq is not None:
            self.rabbitmq.start()
        seed.create_database(plan)
        self._setup_django()
        seed.migrate()
        estate = seed.seed_estate(options.permits)
        self._start_sandbox()
        self.worker.start()
        self.worker.supervise()
        self.web.start(config.free_port())
        from .inject import RelayLoop

        self.relay = RelayLoop()
        self.relay.start()
        setup_started = time.monotonic()
        self._setup_partner(estate)
        say(f"setup: {options.permits} permits accepted by Buzz-In in {time.monotonic() - setup_started:.1f}s")
        return self._changes_and_verdict(estate)

    def _setup_django(self) -> None:
        os.environ.update(self.plan.env)
        import django

        django.setup()
        logging.getLogger("faults").setLevel(logging.INFO)

    def _start_sandbox(self) -> None:
        self.sandbox = seed.start_sandbox(self.plan.env)

    def _setup_partner(self, estate: seed.Estate) -> None:
        seed.accept_at_partner(estate, self.sandbox.url)

    def _changes_and_verdict(self, estate: seed.Estate) -> int:
        from portal.integrations.delivery.models import OutboundDelivery

        from .inject import (
            Tally,
            change_plan,
            extend_in_process,
            extend_over_http,
            kill_web,
            kill_workers,
            outage,
            restart_broker,
            watch_applied,
        )
        from .report import drain, verdict

        options = self.options
        since_pk = OutboundDelivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        changes = change_plan(estate.permit_ids, options.changes, estate.base_till, options.seed)
        quarter = len(changes) // 4
        parts = [changes[:quarter], changes[quarter : 2 * quarter], changes[2 * quarter : 3 * quarter]]
        parts.append(changes[3 * quarter :])
        tally = Tally()
        applied = watch_applied(self.sandbox)
        stop = threading.Event()
        phases_started = time.monotonic()

        self._phase(
            "a: Buzz-In answers 503",
            lambda: extend_in_process(parts[0], tally, duration=options.outage_seconds + 2),
            lambda: outage(self.sandbox.url, options.outage_seconds),
        )
        self._phase(
            "b: worker SIGKILL mid-delivery",
            lambda: extend_in_process(parts[1], tally, duration=max(options.worker_kills * 6.0, 2.0)),
            lambda: kill_workers(self.worker, options.worker_kills, stop, applied),
        )
        server = self.redis or self.rabbitmq
        broker_fault = f"{type(server).__name__} restarted" if server else "filesystem broker folder gone"
        self._phase(
            f"c: broker down ({broker_fault})",
            lambda: extend_in_process(parts[2], tally, duration=options.broker_down_seconds + 4),
            lambda: (time.sleep(1.5), restart_broker(server, self.folder, options.broker_down_seconds))[1],
        )
        clients, in_flight = extend_over_http(parts[3], tally, self.web, estate.references, options.http_threads)
        self._phase(
            "d: gunicorn worker SIGKILL with requests in flight",
            lambda: _run_threads(clients),
            lambda: kill_web(self.web, in_flight, options.web_kills, stop),
            stop=stop,
        )
        say(f"changes done in {time.monotonic() - phases_started:.1f}s; client outcomes {dict(tally.outcomes)}")

        drained, waited = drain(options.drain_timeout)
        say(f"drain: {'every row settled' if drained else 'TIMED OUT'} after {waited:.1f}s")
        self.relay.close()
        result = verdict(estate, changes, tally, self.sandbox.url, since_pk)
        self._print(result, drained)
        return 0 if self._passed(result, drained) else 1

    def _passed(self, result, drained: bool) -> bool:
        """On RabbitMQ a worker must survive the broker's restart by itself: a death nobody caused fails."""
        survived = self.rabbitmq is None or not self.worker.crashes
        return result.ok and drained and survived

    def _phase(self, name: str, changes: Callable, fault: Callable, stop: threading.Event | None = None) -> None:
        say(f"phase {name}")
        started = time.monotonic()
        outcome: dict = {}

        def inject() -> None:
            try:
                outcome.update(fault() or {})
            except Exception as error:
                outcome["fault_error"] = repr(error)

        injector = threading.Thread(target=inject, name="fault", daemon=True)
        injector.start()
        try:
            changes()
        finally:
            if stop is not None:
                stop.set()
            injector.join(timeout=120)
        self.notes.update(outcome)
        say(f"  done in {time.monotonic() - started:.1f}s {outcome}")

    def _print(self, result, drained: bool) -> None:
        relay = self.relay
        lines = [
            "",
            "Fault run results",
            f"  changes attempted:        {result.attempted}",
            f"  committed (database):     {result.committed}",
            f"    answers lost (web kill): {result.unknown_answers}, of which committed: {result.unknown_committed}",
            f"  outbox rows (updates):    {result.outbox_rows}",
            f"  delivered (rows succeeded): {result.delivered}",
            f"  sandbox updates applied:  {result.sandbox_applied}",
            f"  permits checked:          {result.permits_checked}",
            f"  faults: {self.notes}",
            f"  relay: {relay.runs} runs, {relay.reclaimed} reclaimed, {relay.dispatched} dispatched, "
            f"{relay.errors} errors",
            f"  drained: {'yes' if drained else 'no'}",
            f"  worker deaths nobody caused (restarted as a supervisor would): {len(self.worker.crashes)}",
            *(f"    - {crash}" for crash in self.worker.crashes),
            f"lost: {result.lost}",
            f"duplicated: {result.duplicated}",
            f"failed: {result.failed}",
        ]
        lines += [f"  ! {detail}" for detail in result.details[:40]]
        lines.append("RESULT: " + ("PASS" if self._passed(result, drained) else "FAIL"))
        print("\n".join(lines), flush=True)

    def _stop_everything(self) -> None:
        for action in (
            lambda: self.relay and self.relay.close(),
            self.web.stop,
            self.worker.stop,
            lambda: self.sandbox and self.sandbox.stop(),
            lambda: self.redis and self.redis.stop(),
            lambda: self.rabbitmq and self.rabbitmq.stop(),
            _close_connections,
        ):
            try:
                action()
            except Exception as error:  # keep stopping the rest
                print(f"[faults] while stopping: {error!r}", file=sys.stderr)


def _run_threads(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()
