"""Scale-out proof: ``python -m faults.scaleout`` (``make scaleout``) runs the production topology on loopback
and drives it while a worker and a web process are killed, then checks nothing was lost or done twice.

The topology (``faults.topology``, under supervisord): nginx in front of ``--webs`` gunicorn processes,
``--workers`` Celery workers on one queue, one beat (``portal.ops.beat``), a PostgreSQL database of its own
(``permit_portal_scaleout``, or ``SCALEOUT_DB_NAME``, on the ``DATABASE_URL`` server) and a private RabbitMQ
node. The Buzz-In sandbox runs in this process.

1. setup: an estate of ``--permits`` permits, approved and accepted by Buzz-In through the workers;
2. load, all through the proxy at once: ``--changes`` permit extensions (``PATCH /api/v1/permits/{id}``) and
   ``--events`` signed gate-scan webhooks (each posted until it gets a 2xx, as Buzz-In does); at a quarter of
   the webhooks one worker is SIGKILLed, at half one web process (each with its children); supervisord
   starts them again;
3. drain: every outbox row delivered and every webhook event processed (beat runs the relays on their
   production schedule, every 30 and 60 s, with the production grace of 30 s);
4. verdict: the permit changes as ``python -m faults`` judges them (Buzz-In ends with the portal's last
   committed dates, nothing applied twice, every row succeeded); every webhook event stored once and its
   scan recorded once; the backlog empty, read from the database and from ``/metrics``. Exit status 1
   unless lost, duplicated and failed are all 0 and the backlog drained.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass

import requests

from . import config, seed
from .config import ROOT, Plan, free_port
from .procs import RabbitMQ, wait_until
from .topology import Topology, nginx_binary

VAR = ROOT / "var" / "scaleout"
SCALEOUT_DB_NAME = os.environ.get("SCALEOUT_DB_NAME", "permit_portal_scaleout")
STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[scaleout {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


@dataclass
class Options:
    changes: int
    events: int
    permits: int
    webs: int
    workers: int
    change_clients: int
    webhook_clients: int
    drain_timeout: float
    seed: int
    keep_logs: bool


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m faults.scaleout", description=__doc__)
    parser.add_argument("--changes", type=int, default=1000, help="permit changes through the API (default 1000)")
    parser.add_argument("--events", type=int, default=10000, help="webhook events (default 10000)")
    parser.add_argument("--permits", type=int, default=100, help="permits the load is spread over (default 100)")
    parser.add_argument("--webs", type=int, default=2, help="web processes behind the proxy (default 2)")
    parser.add_argument("--workers", type=int, default=3, help="Celery workers (default 3)")
    parser.add_argument("--change-clients", type=int, default=4, help="concurrent API clients (default 4)")
    parser.add_argument("--webhook-clients", type=int, default=8, help="concurrent webhook senders (default 8)")
    parser.add_argument("--drain-timeout", type=float, default=900.0, help="seconds to wait for the backlog")
    parser.add_argument("--seed", type=int, default=11, help="random seed of the change plan")
    parser.add_argument("--keep-logs", action="store_true", help="print where the logs are")
    args = parser.parse_args(argv)
    if args.webs < 2 or args.workers < 2 or args.events < 4 or args.changes < 4:
        parser.error("the kills need at least 2 web processes, 2 workers, 4 changes and 4 events")
    return Options(**{name: getattr(args, name) for name in Options.__dataclass_fields__})


def make_plan(options: Options) -> Plan:
    shutil.rmtree(VAR, ignore_errors=True)
    (VAR / "logs").mkdir(parents=True)
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        configured = "postgres://postgres@127.0.0.1:5432/postgres"
    database_url, _ = config.faults_database_url(configured, name=SCALEOUT_DB_NAME, var=VAR)
    port = free_port()
    plan = Plan(
        options=options,
        database_url=database_url,
        postgres=True,
        broker_url=f"amqp://guest:guest@127.0.0.1:{port}//",
        broker_kind="rabbitmq",
        broker_dir=VAR / "broker",
        queue=f"scaleout-{uuid.uuid4().hex[:10]}",
        redis_port=None,
        redis_private=False,
        logs=VAR / "logs",
        rabbitmq_port=port,
        rabbitmq_dist_port=free_port(),
    )
    # The production retry policy times DELIVERY_TIME_SCALE, as in the fault script: the relay hands a row over
    # again only once its task is presumed lost (``dispatched_at``), not while it waits behind the load.
    plan.env = config.environment(plan) | {
        "LOG_FORMAT": "json",
        "DB_CONN_MAX_AGE": "60",
        "MEDIA_ROOT": str(VAR / "media"),
        "PATH": f"{os.path.dirname(sys.executable)}:{os.environ.get('PATH', '')}",
    }
    return plan


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if nginx_binary() is None:
        print("nginx is not installed: make deploy-deps", file=sys.stderr)
        return 2
    plan = make_plan(options)
    signal.signal(signal.SIGTERM, _interrupt)
    run = ScaleOut(plan)
    try:
        code = run.execute()
    except KeyboardInterrupt:
        say("interrupted")
        code = 130
    finally:
        run.stop()
    say(f"total {time.monotonic() - STARTED:.1f}s")
    if options.keep_logs or code != 0:
        say(f"logs: {plan.logs}")
    return code


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class ScaleOut:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.options: Options = plan.options
        self.rabbitmq = RabbitMQ.for_plan(plan)
        self.topology: Topology | None = None
        self.sandbox = None
        self.figures: dict[str, object] = {}

    def execute(self) -> int:
        plan, options = self.plan, self.options
        say(f"database {plan.database_url.split('@')[-1]}, RabbitMQ node on 127.0.0.1:{plan.rabbitmq_port}")
        self.rabbitmq.start()
        seed.create_database(plan)
        os.environ.update(plan.env)
        import django

        django.setup()
        logging.getLogger("faults").setLevel(logging.INFO)
        seed.migrate()
        _install_schedules()
        estate = seed.seed_estate(options.permits)
        self.sandbox = seed.start_sandbox(plan.env)
        self.topology = Topology(
            VAR, plan.env, webs=options.webs, workers=options.workers, worker_concurrency=2, web_threads=8
        )
        self.topology.start()
        say(f"topology up: proxy {self.topology.proxy_url}, {options.webs} web, {options.workers} workers, beat")
        started = time.monotonic()
        seed.accept_at_partner(estate, self.sandbox.url)
        self.figures["setup_s"] = time.monotonic() - STARTED
        say(f"setup: {options.permits} permits accepted by Buzz-In in {time.monotonic() - started:.1f}s")
        return self._load_drain_verdict(estate)

    def _load_drain_verdict(self, estate: seed.Estate) -> int:
        from portal.integrations.buzzin.models import BuzzinCommunity
        from portal.integrations.delivery.models import OutboundDelivery

        from .inject import Tally, change_plan, extend_over_http
        from .webhooks import Intake, post_webhooks, scan_events

        options, topology = self.options, self.topology
        since_pk = OutboundDelivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        changes = change_plan(estate.permit_ids, options.changes, estate.base_till, options.seed)
        tally, intake = Tally(), Intake()
        run_id = uuid.uuid4().hex[:8]
        community_id = BuzzinCommunity.objects.get(community_id=estate.community_id).buzzin_id
        references = [estate.references[pk] for pk in estate.permit_ids]
        events = scan_events(run_id, options.events, references, community_id)
        change_clients, _ = extend_over_http(
            changes, tally, _Url(topology.proxy_url), estate.references, options.change_clients
        )
        webhook_clients = post_webhooks(
            f"{topology.proxy_url}/webhooks/buzzin/", events, intake, options.webhook_clients
        )
        kills: list[dict] = []
        killer = threading.Thread(target=self._kill_during_load, args=(intake, kills), name="killer", daemon=True)

        say(f"load: {options.changes} changes and {options.events} webhook events through the proxy")
        load_started = time.monotonic()
        changes_done = webhooks_done = 0.0
        for thread in [*change_clients, *webhook_clients]:
            thread.start()
        killer.start()
        for thread in change_clients:
            thread.join(timeout=600)
        changes_done = time.monotonic() - load_started
        for thread in webhook_clients:
            thread.join(timeout=600)
        webhooks_done = time.monotonic() - load_started
        killer.join(timeout=120)
        self.figures |= {"changes_s": changes_done, "webhooks_s": webhooks_done, "kills": kills}
        say(f"load done in {webhooks_done:.1f}s (changes {changes_done:.1f}s); kills {kills}")

        drained, waited = drain_everything(options.drain_timeout)
        self.figures["drain_s"] = waited
        self.figures["processing_s"] = time.monotonic() - load_started
        say(f"drain: {'backlog empty' if drained else 'TIMED OUT'} after {waited:.1f}s")

        from .report import validity_verdict

        changes_verdict = validity_verdict(estate, changes, tally, self.sandbox.url, since_pk)
        webhooks_verdict = webhook_verdict(run_id, options.events, intake)
        scraped = self._scrape()
        self._print(changes_verdict, webhooks_verdict, tally, intake, scraped, drained)
        ok = changes_verdict.ok and webhooks_verdict["ok"] and drained and scraped["backlog_empty"]
        ok = ok and len(kills) == 2
        print("RESULT: " + ("PASS" if ok else "FAIL"), flush=True)
        return 0 if ok else 1

    def _kill_during_load(self, intake, kills: list[dict]) -> None:
        """A worker at a quarter of the webhooks, a web process at half (each whole, with its children)."""
        try:
            for share, name in ((0.25, "worker-2"), (0.5, "web-1")):
                wait_until(lambda s=share: intake.sent >= self.options.events * s, timeout=400, interval=0.05)
                report = self.topology.kill(name)
                report["at_events"] = intake.sent
                kills.append(report)
        except Exception as error:  # reported: the verdict needs both kills
            say(f"kill failed: {error!r}")

    def _scrape(self) -> dict:
        """The topology's own metrics: per web process and per worker, straight from their ports."""
        from prometheus_client.parser import text_string_to_metric_families

        def samples(url: str):
            text = requests.get(url, timeout=10).text
            for family in text_string_to_metric_families(text):
                yield from family.samples

        tasks: Counter = Counter()
        for program in self.topology.of_role("worker"):
            for sample in samples(f"http://127.0.0.1:{program.port}/metrics"):
                if sample.name == "portal_celery_tasks_total":
                    tasks[(sample.labels["task"], sample.labels["outcome"])] += int(sample.value)
        webhook_requests: Counter = Counter()
        backlog = {}
        for program in self.topology.of_role("web"):
            for sample in samples(f"http://127.0.0.1:{program.port}/metrics"):
                if (
                    sample.name == "portal_http_requests_total"
                    and sample.labels["view"] == "integrations:buzzin-webhook"
                ):
                    webhook_requests[sample.labels["status"]] += int(sample.value)
                if sample.name.startswith(("portal_outbox_", "portal_webhook_")):
                    backlog[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        open_rows = sum(v for (name, _), v in backlog.items() if name == "portal_outbox_open_deliveries")
        waiting = backlog.get(("portal_webhook_events_waiting", ()), 0)
        oldest = backlog.get(("portal_outbox_oldest_undelivered_age_seconds", ()), 0)
        return {
            "tasks": dict(tasks),
            "webhook_requests": dict(webhook_requests),
            "open_rows": open_rows,
            "waiting": waiting,
            "oldest": oldest,
            "backlog_empty": open_rows == 0 and waiting == 0 and oldest == 0,
        }

    def _print(self, changes, webhooks: dict, tally, intake, scraped: dict, drained: bool) -> None:
        f, o = self.figures, self.options
        latencies = sorted(intake.latencies) or [0.0]
        p95 = latencies[int(len(latencies) * 0.95) - 1] if len(latencies) > 1 else latencies[0]
        tasks = scraped["tasks"]
        task_line = ", ".join(f"{task} {outcome} {count}" for (task, outcome), count in sorted(tasks.items()))
        kill_lines = [
            f"    {k['program']} SIGKILL (pid {k['old_pid']}) after {k['at_events']} events: "
            f"running again after {k['back_after_s']:.1f}s (pid {k['new_pid']})"
            for k in f["kills"]
        ]
        lines = [
            "",
            f"Scale-out run results ({o.webs} web behind nginx, {o.workers} workers x 2, beat, PostgreSQL, RabbitMQ)",
            f"  setup {f['setup_s']:.1f}s; load {f['webhooks_s']:.1f}s; load + drain {f['processing_s']:.1f}s",
            f"  permit changes: {changes.attempted} in {f['changes_s']:.1f}s"
            f" ({changes.attempted / f['changes_s']:.0f}/s), client outcomes {dict(tally.outcomes)}",
            f"    committed {changes.committed}, outbox rows {changes.outbox_rows},"
            f" delivered {changes.delivered},"
            f" Buzz-In updates applied {changes.sandbox_applied}, permits checked {changes.permits_checked}",
            f"  webhook events: {o.events} accepted in {f['webhooks_s']:.1f}s ({o.events / f['webhooks_s']:.0f}/s)"
            f", p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms",
            f"    answers {dict(intake.outcomes)}; events retried by the sender: {intake.retried_events}",
            f"    stored {webhooks['stored']}, processed {webhooks['processed']}, gate scans {webhooks['scans']},"
            f" scan audit events {webhooks['audits']}",
            "  kills:",
            *kill_lines,
            f"  worker metrics: {task_line}",
            f"  web metrics: webhook requests by status {scraped['webhook_requests']} (web-1's restart reset its own)",
            f"  backlog after the drain (/metrics): open outbox rows {scraped['open_rows']:.0f}, oldest undelivered"
            f" {scraped['oldest']:.0f}s, webhook events waiting {scraped['waiting']:.0f}",
            f"  JSON log lines with a task id (workers): {_task_log_lines(self.plan.logs.parent / 'logs')}",
            f"  drained: {'yes' if drained else 'no'} after {f['drain_s']:.1f}s",
            f"lost: {changes.lost + webhooks['lost']}",
            f"duplicated: {changes.duplicated + webhooks['duplicated']}",
            f"failed: {changes.failed + webhooks['failed']}",
        ]
        lines += [f"  ! {detail}" for detail in [*changes.details, *webhooks["details"]][:40]]
        print("\n".join(lines), flush=True)

    def stop(self) -> None:
        for action in (
            lambda: self.topology and self.topology.stop(),
            lambda: self.sandbox and self.sandbox.stop(),
            self.rabbitmq.stop,
            _close_connections,
        ):
            try:
                action()
            except Exception as error:  # keep stopping the rest
                print(f"[scaleout] while stopping: {error!r}", file=sys.stderr)


class _Url:
    def __init__(self, url: str):
        self.url = url


def _install_schedules() -> None:
    from django.core.management import call_command

    call_command("install_schedules", verbosity=0)


def drain_everything(timeout: float) -> tuple[bool, float]:
    """Every outbox row settled (as ``python -m faults`` waits for it) and every webhook event processed."""
    from portal.integrations.webhooks.selectors import inbound_waiting

    from .report import open_rows

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if open_rows() == 0 and inbound_waiting()[0] == 0:
            return True, time.monotonic() - started
        time.sleep(0.5)
    return False, time.monotonic() - started


def webhook_verdict(run_id: str, sent: int, intake) -> dict:
    from permits.models import GateScan
    from portal.core.models import AuditEvent
    from portal.integrations.models import InboundEvent, InboundEventState

    prefix = f"evt_{run_id}_"
    stored = InboundEvent.objects.filter(event_id__startswith=prefix)
    result = {
        "stored": stored.count(),
        "processed": stored.filter(state=InboundEventState.PROCESSED).count(),
        "scans": GateScan.objects.filter(event_id__startswith=prefix).count(),
        "audits": AuditEvent.objects.filter(action="permits.gate_scan.recorded").count(),
        "details": list(intake.gave_up[:10]),
    }
    not_done = stored.exclude(state=InboundEventState.PROCESSED)
    result["lost"] = max(sent - result["stored"], sent - result["scans"], 0)
    result["duplicated"] = max(result["audits"] - result["scans"], 0) + max(result["scans"] - sent, 0)
    result["failed"] = not_done.count() + len(intake.gave_up)
    for event in not_done.order_by("pk")[:10]:
        result["details"].append(f"webhook {event.event_id} {event.state}: {event.result} {event.error[:200]}")
    result["ok"] = result["lost"] == 0 and result["duplicated"] == 0 and result["failed"] == 0
    return result


def _task_log_lines(logs) -> int:
    count = 0
    for path in logs.glob("worker-*.log"):
        with path.open(errors="replace") as log:
            count += sum(1 for line in log if '"task_id": "' in line)
    return count


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()


if __name__ == "__main__":
    sys.exit(main())
