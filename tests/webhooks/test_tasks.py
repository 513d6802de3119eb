"""Processing in a task: broker outages leave rows for the relay; missing targets are retried, then failed."""

import datetime

import pytest
from django.utils import timezone

from permits.choices import PermitStatus
from portal.celery import app as celery_app
from portal.integrations.buzzin.models import BuzzinPermit
from portal.integrations.buzzin.records import permit_buzzin_id
from portal.integrations.models import InboundEvent, InboundEventState
from portal.integrations.webhooks import processing, tasks
from portal.integrations.webhooks.processing import inbound_event_process
from tests.factories import CommunityFactory

from . import payloads

pytestmark = pytest.mark.django_db


def test_task_names():
    assert tasks.webhook_process_task.name == "integrations.webhook_process"
    assert tasks.webhook_relay_task.name == "integrations.webhook_relay"


def test_broker_down_leaves_the_event_received_and_the_relay_sends_it_later(
    deliver, approved_permit, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    body = payloads.permit_event("passes.permits.issued", approved_permit, payloads.issued_data(approved_permit))
    with monkeypatch.context() as patch:
        patch.setattr(celery_app, "send_task", broker_down)
        response = deliver(body)

    assert response.status_code == 200
    inbound = InboundEvent.objects.get()
    assert inbound.state == InboundEventState.RECEIVED
    assert "left for the relay" in caplog.text

    assert tasks.webhook_relay_task() == 0  # too recent: a worker may still be on it
    InboundEvent.objects.update(received_at=timezone.now() - datetime.timedelta(minutes=2))
    assert tasks.webhook_relay_task() == 1

    inbound.refresh_from_db()
    approved_permit.refresh_from_db()
    assert inbound.state == InboundEventState.PROCESSED
    assert approved_permit.status == PermitStatus.ACTIVE


def test_processing_twice_does_nothing_the_second_time(deliver, approved_permit):
    deliver(payloads.permit_event("passes.permits.issued", approved_permit, payloads.issued_data(approved_permit)))
    inbound = InboundEvent.objects.get()

    again = inbound_event_process(inbound.pk)

    assert again.state == InboundEventState.PROCESSED
    assert again.attempts == 1


def test_unknown_permit_is_retried_then_failed(deliver, db):
    community = CommunityFactory()
    body = payloads.envelope(
        "passes.permits.expired", {"permitId": payloads.object_id()}, community_id=community.buzzin.buzzin_id
    )
    deliver(body)
    inbound = InboundEvent.objects.get()
    assert (inbound.state, inbound.attempts) == (InboundEventState.RECEIVED, 1)
    assert "no permit" in inbound.error

    for _ in range(processing.MAX_ATTEMPTS - 1):
        inbound_event_process(inbound.pk)

    inbound.refresh_from_db()
    assert inbound.state == InboundEventState.FAILED
    assert inbound.attempts == processing.MAX_ATTEMPTS


def test_event_that_waited_for_its_permit_is_applied_once_the_permit_is_known(deliver, approved_permit):
    buzzin_id = permit_buzzin_id(approved_permit)
    BuzzinPermit.objects.filter(permit=approved_permit).update(buzzin_id="")
    deliver(payloads.permit_event("passes.permits.expired", approved_permit, {"permitId": buzzin_id}))
    inbound = InboundEvent.objects.get()
    assert inbound.state == InboundEventState.RECEIVED

    BuzzinPermit.objects.filter(permit=approved_permit).update(buzzin_id=buzzin_id)
    tasks.webhook_process_task(inbound.pk)

    inbound.refresh_from_db()
    approved_permit.refresh_from_db()
    assert inbound.state == InboundEventState.PROCESSED
    assert approved_permit.status == PermitStatus.EXPIRED


def test_a_failing_handler_rolls_back_its_writes_and_records_the_error(deliver, active_permit, monkeypatch):
    from portal.integrations.webhooks import handlers

    def explode(envelope, resources):
        from permits.models import GateScan

        GateScan.objects.create(permit=active_permit, event_id="half-done", scanned_at=timezone.now())
        raise RuntimeError("boom")

    monkeypatch.setitem(handlers.HANDLERS, "passes.permits.scanned", handlers.Handler(explode))
    deliver(
        payloads.permit_event(
            "passes.permits.scanned", active_permit, payloads.scan_data(active_permit, payloads.ago(1))
        )
    )

    inbound = InboundEvent.objects.get()
    assert inbound.state == InboundEventState.FAILED
    assert inbound.error == "RuntimeError: boom"
    assert not active_permit.scans.exists()
