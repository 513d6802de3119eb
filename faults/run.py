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
# The partners' outage, in backoff bases of the policy: a minute in production, which its 8 attempts with full
# jitter ride out (a row meeting it fails with a chance of about 1 in 5,000; on RabbitMQ, whose countdowns are
# whole seconds, never at the fault script's scale).
OUTAGE_BASES = 12


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
        self.opscom = None
        self.relay = None
        self.policy = ""
        self.outage_seconds = 0.0
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
        from portal.integrations.delivery.policy import relay_interval

        from .inject import RelayLoop

        self.policy = self._policy()
        say(self.policy)
        self.relay = RelayLoop(interval=relay_interval())
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
        self.opscom = seed.start_opscom_sandbox(self.plan.env)

    def _setup_partner(self, estate: seed.Estate) -> None:
        seed.accept_at_partner(estate, self.sandbox.url, activate=True)

    def _policy(self) -> str:
        from django.conf import settings

        from portal.integrations.delivery import policy

        limits = policy.limits()
        self.outage_seconds = self.options.outage_seconds or OUTAGE_BASES * limits.base_seconds
        return (
            f"production retry policy x {policy.time_scale():g}: {limits.max_attempts} attempts, backoff "
            f"{limits.base_seconds:g}s doubling to {limits.max_seconds:g}s (full jitter), stuck after "
            f"{limits.stuck_sending_seconds:g}s, relay every {policy.relay_interval():g}s with "
            f"{limits.relay_grace_seconds:g}s grace, timeouts Buzz-In "
            f"{policy.partner_timeout(settings.BUZZIN_TIMEOUT_SECONDS):g}s / OPS-COM "
            f"{policy.partner_timeout(settings.OPSCOM_TIMEOUT_SECONDS):g}s; outage {self.outage_seconds:g}s"
        )

    def _changes_and_verdict(self, estate: seed.Estate) -> int:
        from portal.integrations.delivery.models import OutboundDelivery

        from .inject import Outage, Tally, change_plan, extend_over_http, kill_web, kill_workers, restart_broker
        from .report import drain, verdict
        from .workload import KINDS, Workload

        options = self.options
        since_pk = OutboundDelivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        workload = Workload(estate, options.seed)
        share = options.changes // 5
        tally = Tally()
        stop = threading.Event()
        phases_started = time.monotonic()

        down = Outage(self.sandbox, self.opscom, self.outage_seconds)
        self._phase(
            "a: Buzz-In and OPS-COM answer 503",
            lambda: (
                workload.burst(before_commit=down.start),
                workload.run_parallel(share, duration=self.outage_seconds, threads=3),
            ),
            down.result,
        )
        # A worker killed after OPS-COM applied a push leaves its reference unknown (OPS-COM has no lookup): the
        # kills aim at Buzz-In's calls, and no parking push is made while they happen.
        no_push = tuple(kind for kind in KINDS if kind != "vehicle_add")
        kills_done = threading.Event()

        def kill_then_stop() -> dict:
            try:
                return kill_workers(
                    self.worker,
                    self.sandbox,
                    mid_send=options.kills_mid_send,
                    after_apply=options.kills_after_apply,
                    stop=stop,
                )
            finally:
                kills_done.set()

        self._phase(
            "b: worker SIGKILL before and after Buzz-In applied a call",
            lambda: workload.run_until(kills_done, rate=8.0, kinds=no_push, limit=20 * share),
            kill_then_stop,
            stop=stop,
        )
        server = self.redis or self.rabbitmq
        broker_fault = f"{type(server).__name__} restarted" if server else "filesystem broker folder gone"
        restarts = options.broker_restarts
        self._phase(
            f"c: broker down ({broker_fault}, {restarts} times)",
            lambda: workload.run(share, duration=restarts * (options.broker_down_seconds + 8.0)),
            lambda: (
                time.sleep(1.0),
                restart_broker(server, self.folder, options.broker_down_seconds, restarts),
            )[1],
        )
        stop = threading.Event()
        changes = change_plan(estate.permit_ids, options.changes - 3 * share, workload.next_till(), options.seed)
        workload.minutes += len(changes) + 1
        clients, in_flight = extend_over_http(changes, tally, self.web, estate.references, options.http_threads)
        self._phase(
            "d: gunicorn worker SIGKILL after a commit, before the answer",
            lambda: _run_threads(clients),
            lambda: kill_web(self.web, in_flight, tally, options.web_kills, stop),
            stop=stop,
        )
        self._phase(
            "e: every kind again, no fault",
            lambda: workload.run(share, duration=4.0),
            lambda: {},
        )
        say(
            f"changes done in {time.monotonic() - phases_started:.1f}s; in process {dict(workload.done)}, "
            f"refused {dict(workload.errors)}; over HTTP {dict(tally.outcomes)}"
        )

        drained, waited = drain(options.drain_timeout)
        say(f"drain: {'every row settled' if drained else 'TIMED OUT'} after {waited:.1f}s")
        self.relay.close()
        result = verdict(estate, workload, tally, self.sandbox.url, self.opscom.url, since_pk)
        floors = self._floors()
        self._print(result, drained, floors)
        return 0 if self._passed(result, drained, floors) else 1

    def _floors(self) -> list[tuple[str, int, int]]:
        """(fault, proven count, floor) for each fault; the counts come from the proofs, not from the attempts."""
        floors, notes = self.options.floors, self.notes
        return [
            (
                "worker killed mid-send (before the partner applied)",
                notes.get("worker_kills_mid_send", 0),
                floors.kills_mid_send,
            ),
            (
                "worker killed after the partner applied",
                notes.get("worker_kills_after_apply", 0),
                floors.kills_after_apply,
            ),
            ("broker restarted", notes.get("broker_restarts", 0), floors.broker_restarts),
            (
                "web process killed between commit and response",
                notes.get("web_kills_after_commit", 0),
                floors.web_kills_after_commit,
            ),
            ("calls refused by the partners' outage", notes.get("outage_refusals", 0), floors.outage_refusals),
        ]

    def _passed(self, result, drained: bool, floors) -> bool:
        """On RabbitMQ a worker must survive the broker's restart by itself: a death nobody caused fails."""
        survived = self.rabbitmq is None or not self.worker.crashes
        proven = all(count >= floor for _, count, floor in floors)
        return result.ok and drained and survived and proven

    def _phase(
        self,
        name: str,
        changes: Callable,
        fault: Callable,
        stop: threading.Event | None = None,
    ) -> None:
        """The changes and the fault at once; then, before the next phase, the outbox drains (when it can)."""
        from .report import drain

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
        drained, waited = drain(5)  # a cleaner start for the next fault; lost sends are reclaimed later
        say(
            f"  done in {time.monotonic() - started:.1f}s (outbox {'drained' if drained else 'still busy'} "
            f"{waited:.1f}s) {outcome}"
        )

    def _print(self, result, drained: bool, floors) -> None:
        relay = self.relay
        lines = [
            "",
            "Fault run results",
            f"  policy: {self.policy}",
            f"  changes attempted:        {result.attempted}",
            f"  extensions committed:     {result.committed}",
            f"    answers lost (web kill): {result.unknown_answers}, of which committed: {result.unknown_committed}",
            f"  outbox rows of the run:   {result.outbox_rows}, succeeded {result.delivered}",
            f"  partner calls applied:    {result.sandbox_applied}",
            "  checked against the partners' own records: "
            + ", ".join(f"{kind} {count}" for kind, count in sorted(result.checked.items())),
            f"  relay: {relay.runs} runs, {relay.reclaimed} reclaimed, {relay.dispatched} dispatched, "
            f"{relay.errors} errors",
            f"  drained: {'yes' if drained else 'no'}",
            f"  worker deaths nobody caused (restarted as a supervisor would): {len(self.worker.crashes)}",
            *(f"    - {crash}" for crash in self.worker.crashes),
            *(f"  kill: {detail}" for detail in self.notes.get("worker_kill_details", [])),
            "Faults proven (count / floor):",
            *(f"  {'ok ' if count >= floor else 'LOW'} {name}: {count} / {floor}" for name, count, floor in floors),
            f"lost: {result.lost}",
            f"duplicated: {result.duplicated}",
            f"failed: {result.failed}",
        ]
        lines += [f"  ! {detail}" for detail in result.details[:40]]
        lines.append("RESULT: " + ("PASS" if self._passed(result, drained, floors) else "FAIL"))
        print("\n".join(lines), flush=True)

    def _stop_everything(self) -> None:
        for action in (
            lambda: self.relay and self.relay.close(),
            self.web.stop,
            self.worker.stop,
            lambda: self.sandbox and self.sandbox.stop(),
            lambda: self.opscom and self.opscom.stop(),
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
