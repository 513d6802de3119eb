"""Webhook intake off the request path: one lean insert, the hand-over thread, and the relay as its safety net."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.utils import timezone

from permits.choices import PermitStatus
from portal.celery import app as celery_app
from portal.integrations.broker import HandOverThread
from portal.integrations.models import InboundEvent, InboundEventState
from portal.integrations.webhooks import tasks
from portal.queues import WEBHOOK_TASKS

from . import payloads
from .conftest import post_webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_background(settings, monkeypatch):
    """The web process's hand-over, with a thread of its own for this test."""
    settings.WEBHOOK_HANDOVER_IN_BACKGROUND = True
    monkeypatch.setattr(tasks, "_background", HandOverThread(tasks.WEBHOOK_TASK_NAME, tasks.WEBHOOK_BATCH_TASK_NAME))


@pytest.fixture
def broker(monkeypatch):
    """What the broker was handed (name, args), and a switch to make it refuse."""
    sent: list[tuple[str, list]] = []
    refused: list[str] = []
    state = {"down": False}
    arrived = threading.Condition()

    def send_task(name, args=(), kwargs=None, **options):
        with arrived:
            if state["down"]:
                refused.append(name)
                arrived.notify_all()
                raise ConnectionError("broker unreachable")
            sent.append((name, list(args)))
            arrived.notify_all()

    def wait_for(count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with arrived:
            while len(sent) + len(refused) < count and time.monotonic() < deadline:
                arrived.wait(timeout=0.1)

    monkeypatch.setattr(celery_app, "send_task", send_task)
    return type("Broker", (), {"sent": sent, "refused": refused, "state": state, "wait_for": staticmethod(wait_for)})


def handed_over_ids(sent) -> list[int]:
    ids = []
    for name, args in sent:
        ids += args[0] if name == tasks.WEBHOOK_BATCH_TASK_NAME else [args[0]]
    return sorted(ids)


def scanned(permit, seconds_ago: int) -> dict:
    return payloads.permit_event(
        "passes.permits.scanned", permit, payloads.scan_data(permit, payloads.ago(seconds_ago))
    )


def test_the_request_answers_before_the_broker_is_handed_anything(
    client, webhook_url, active_permit, in_background, broker, monkeypatch, django_capture_on_commit_callbacks
):
    """The publish happens on the hand-over thread: the request itself never calls the broker."""
    request_thread = threading.get_ident()
    callers: list[int] = []
    send = celery_app.send_task
    monkeypatch.setattr(celery_app, "send_task", lambda *a, **k: callers.append(threading.get_ident()) or send(*a, **k))

    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, webhook_url, scanned(active_permit, 3))

    assert response.status_code == 200 and response.json()["status"] == "accepted"
    broker.wait_for(1)
    inbound = InboundEvent.objects.get()
    assert handed_over_ids(broker.sent) == [inbound.pk]
    assert callers and request_thread not in callers


def test_events_waiting_together_go_as_one_batch_and_each_is_processed(active_permit, broker):
    thread = HandOverThread(tasks.WEBHOOK_TASK_NAME, tasks.WEBHOOK_BATCH_TASK_NAME, batch=5)
    thread._send([1, 2, 3])
    thread._send([4])
    assert broker.sent == [(tasks.WEBHOOK_BATCH_TASK_NAME, [[1, 2, 3]]), (tasks.WEBHOOK_TASK_NAME, [4])]
    assert tasks.WEBHOOK_BATCH_TASK_NAME in WEBHOOK_TASKS  # routed to the webhook queue like the single task


def test_rows_arriving_while_the_thread_lingers_go_in_one_publish(broker):
    thread = HandOverThread(tasks.WEBHOOK_TASK_NAME, tasks.WEBHOOK_BATCH_TASK_NAME, batch=3, linger=0.5)
    for row_id in (1, 2, 3, 4):  # the fourth does not fit the first batch: it goes after the next linger
        thread.put(row_id)
    broker.wait_for(2)
    assert broker.sent == [(tasks.WEBHOOK_BATCH_TASK_NAME, [[1, 2, 3]]), (tasks.WEBHOOK_TASK_NAME, [4])]


def test_the_batch_task_processes_each_event_and_one_failure_holds_back_none(active_permit, monkeypatch):
    from portal.integrations.webhooks.store import inbound_event_record

    ids = [inbound_event_record(envelope=scanned(active_permit, m), verification="hmac")[0].pk for m in (9, 8, 7)]
    real = tasks.inbound_event_process

    def second_fails(pk, **kwargs):
        if pk == ids[1]:
            raise RuntimeError("database went away")
        return real(pk, **kwargs)

    monkeypatch.setattr(tasks, "inbound_event_process", second_fails)
    assert tasks.webhook_process_batch_task.run(ids) == 2
    states = dict(InboundEvent.objects.values_list("pk", "state"))
    assert [states[pk] for pk in ids] == ["processed", "received", "processed"]  # the failed one waits for the relay


@pytest.mark.parametrize("lost", ["broker down", "process killed before the hand-over"])
def test_an_event_accepted_without_a_publish_is_processed_by_the_relay(
    client, webhook_url, approved_permit, in_background, broker, monkeypatch, django_capture_on_commit_callbacks, lost
):
    if lost == "broker down":
        broker.state["down"] = True
    else:
        monkeypatch.setattr(tasks._background, "put", lambda row_id: None)
    body = payloads.permit_event("passes.permits.issued", approved_permit, payloads.issued_data(approved_permit))

    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, webhook_url, body)

    assert response.status_code == 200 and response.json() == {"status": "accepted", "id": body["id"]}
    if lost == "broker down":
        broker.wait_for(1)
        assert broker.refused == [tasks.WEBHOOK_TASK_NAME] and broker.sent == []
    inbound = InboundEvent.objects.get()
    assert inbound.state == InboundEventState.RECEIVED

    # The relay's sweep, a minute later, with the broker back: the event is processed as if never lost.
    broker.state["down"] = False
    InboundEvent.objects.update(received_at=timezone.now() - datetime.timedelta(minutes=2))
    monkeypatch.setattr(
        celery_app, "send_task", lambda name, args=(), **options: celery_app.tasks[name].apply(args=args)
    )
    assert tasks.webhook_relay_task() == 1
    inbound.refresh_from_db()
    approved_permit.refresh_from_db()
    assert inbound.state == InboundEventState.PROCESSED
    assert approved_permit.status == PermitStatus.ACTIVE


def test_the_lean_insert_stores_what_the_model_would(active_permit):
    from portal.integrations.webhooks.store import inbound_event_record

    body = scanned(active_permit, 4)
    inbound, created = inbound_event_record(envelope=body, verification="hmac", delivery_id="d" * 150)
    again, created_again = inbound_event_record(envelope=body, verification="token", delivery_id="other")

    stored = InboundEvent.objects.get()
    assert (created, created_again) == (True, False)
    assert inbound.pk == again.pk == stored.pk
    assert stored.payload == body and stored.event == body["event"] and stored.event_id == body["id"]
    assert stored.verification == "hmac" and stored.delivery_id == "d" * 100
    assert stored.community_id == body["communityId"] and stored.created_at_remote is not None
    assert stored.state == InboundEventState.RECEIVED and stored.attempts == 0 and stored.processed_at is None
    assert abs((timezone.now() - stored.received_at).total_seconds()) < 60


def test_an_unknown_event_is_stored_ignored_and_never_handed_over(client, webhook_url, in_background, broker):
    body = payloads.envelope("passes.something.new", {"x": 1})
    response = post_webhook(client, webhook_url, body)
    assert response.status_code == 200
    stored = InboundEvent.objects.get()
    assert stored.state == InboundEventState.IGNORED and stored.result.startswith("unknown event")
    time.sleep(0.2)
    assert broker.sent == [] and broker.refused == []
