"""The same event delivered many times, in a row and at once, has exactly one effect."""

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection
from django.test import Client

from permits.choices import PermitStatus
from permits.models import GateScan
from portal.core.models import AuditEvent
from portal.integrations.delivery.models import OutboundDelivery
from portal.integrations.models import InboundEvent, InboundEventState
from portal.integrations.webhooks import store
from portal.integrations.webhooks.processing import inbound_event_process
from portal.integrations.webhooks.store import inbound_event_record

from . import payloads
from .conftest import post_webhook

DELIVERIES = 100


def scan_audits(permit):
    return AuditEvent.objects.filter(action="permits.gate_scan.recorded", target_id=str(permit.pk))


@pytest.mark.django_db
def test_same_scan_delivered_100_times_is_recorded_once(deliver, active_permit):
    body = payloads.permit_event(
        "passes.permits.scanned", active_permit, payloads.scan_data(active_permit, payloads.ago(60))
    )

    statuses = [deliver(body).json()["status"] for _ in range(DELIVERIES)]

    assert statuses.count("accepted") == 1
    assert statuses.count("duplicate") == DELIVERIES - 1
    assert InboundEvent.objects.count() == 1
    assert GateScan.objects.count() == 1
    assert scan_audits(active_permit).count() == 1


@pytest.mark.django_db
def test_same_issue_delivered_100_times_activates_once(deliver, approved_permit):
    body = payloads.permit_event("passes.permits.issued", approved_permit, payloads.issued_data(approved_permit))

    for _ in range(DELIVERIES):
        assert deliver(body).status_code == 200

    approved_permit.refresh_from_db()
    assert approved_permit.status == PermitStatus.ACTIVE
    assert AuditEvent.objects.filter(action="permits.permit.activated", target_id=str(approved_permit.pk)).count() == 1
    assert OutboundDelivery.objects.filter(operation="parking.push").count() == 1


@pytest.mark.django_db
def test_a_duplicate_insert_takes_the_integrity_error_path(approved_permit):
    body = payloads.permit_event(
        "passes.permits.scanned", approved_permit, payloads.scan_data(approved_permit, payloads.ago(1))
    )

    first, created = inbound_event_record(envelope=body, verification="hmac")
    again, created_again = inbound_event_record(envelope=body, verification="token")

    assert created and not created_again
    assert again.pk == first.pk
    assert again.verification == "hmac"
    assert InboundEvent.objects.count() == 1


def post_concurrently(url, body, times=DELIVERIES, workers=8):
    start = threading.Barrier(workers)

    def post_once(_):
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=5)
        try:
            response = post_webhook(Client(), url, body)
            return response.status_code, response.json().get("status")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(post_once, range(times)))


@pytest.mark.django_db(transaction=True)
def test_same_scan_delivered_concurrently_has_one_effect(active_permit, webhook_url, eager_celery):
    body = payloads.permit_event(
        "passes.permits.scanned", active_permit, payloads.scan_data(active_permit, payloads.ago(60))
    )

    answers = post_concurrently(webhook_url, body)

    assert sorted(answers) == [(200, "accepted")] + [(200, "duplicate")] * (DELIVERIES - 1)
    inbound = InboundEvent.objects.get()
    assert inbound.state == InboundEventState.PROCESSED
    assert GateScan.objects.count() == 1
    assert scan_audits(active_permit).count() == 1


@pytest.mark.django_db(transaction=True)
def test_same_issue_delivered_concurrently_activates_once(approved_permit, webhook_url, eager_celery):
    body = payloads.permit_event("passes.permits.issued", approved_permit, payloads.issued_data(approved_permit))

    answers = post_concurrently(webhook_url, body)

    assert [status for status, _ in answers] == [200] * DELIVERIES
    approved_permit.refresh_from_db()
    assert approved_permit.status == PermitStatus.ACTIVE
    assert AuditEvent.objects.filter(action="permits.permit.activated", target_id=str(approved_permit.pk)).count() == 1
    assert OutboundDelivery.objects.filter(operation="parking.push").count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_event_processed_by_several_workers_at_once_has_one_effect(active_permit, monkeypatch):
    """A redelivered task (acks_late) may run beside the first: the row lock and state decide."""
    monkeypatch.setattr(store, "webhook_dispatch", lambda pk: True)
    body = payloads.permit_event(
        "passes.permits.scanned", active_permit, payloads.scan_data(active_permit, payloads.ago(9))
    )
    inbound, _ = inbound_event_record(envelope=body, verification="hmac")
    start = threading.Barrier(4)

    def work(_):
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=5)
        try:
            for _ in range(5):
                try:
                    return inbound_event_process(inbound.pk).state
                except OperationalError:  # SQLite: "database is locked" while another writer holds it
                    time.sleep(0.05)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        states = list(pool.map(work, range(4)))

    assert states == [InboundEventState.PROCESSED] * 4
    inbound.refresh_from_db()
    assert inbound.attempts == 1
    assert GateScan.objects.count() == 1
    assert scan_audits(active_permit).count() == 1
