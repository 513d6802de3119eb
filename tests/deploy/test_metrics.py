"""``/metrics``: requests by view, tasks by outcome, and the backlog read from the database at each scrape."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from portal.integrations.buzzin import operations as buzzin_op
from portal.integrations.delivery.models import DeliveryState, OutboundDelivery
from portal.integrations.delivery.selectors import backlog_by_partner_and_state, oldest_undelivered_at
from portal.integrations.models import InboundEvent, InboundEventState
from portal.integrations.webhooks.tasks import webhook_relay_task
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def delivery(community, partner, state, *, age_minutes=0) -> OutboundDelivery:
    row = OutboundDelivery.objects.create(
        subscriber=partner,
        operation=buzzin_op.PERMIT_CREATE,
        community=community,
        target_type="permit",
        target_id="1",
        sequence_key=f"{partner}:permit:1",
        state=state,
    )
    if age_minutes:
        OutboundDelivery.objects.filter(pk=row.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=age_minutes)
        )
    return row


def test_requests_are_counted_by_view_name_and_status(client):
    labels = {"method": "GET", "view": "ops:live", "status": "200"}
    before = REGISTRY.get_sample_value("portal_http_requests_total", labels) or 0
    client.get("/health/live/")
    client.get("/health/live/")
    assert REGISTRY.get_sample_value("portal_http_requests_total", labels) == before + 2
    unresolved = {"method": "GET", "view": "unresolved", "status": "404"}
    before = REGISTRY.get_sample_value("portal_http_requests_total", unresolved) or 0
    client.get("/no/such/page/")
    assert REGISTRY.get_sample_value("portal_http_requests_total", unresolved) == before + 1


def test_backlog_by_partner_and_state_and_the_oldest_undelivered_change(client):
    community = CommunityFactory()
    delivery(community, "buzzin", DeliveryState.PENDING, age_minutes=30)
    delivery(community, "buzzin", DeliveryState.PENDING)
    delivery(community, "buzzin", DeliveryState.SUCCEEDED, age_minutes=90)
    delivery(community, "opscom", DeliveryState.FAILED, age_minutes=10)
    delivery(community, "opscom", DeliveryState.ABANDONED, age_minutes=120)

    assert backlog_by_partner_and_state() == {("buzzin", "pending"): 2, ("opscom", "failed"): 1}
    oldest = oldest_undelivered_at()
    assert timezone.now() - oldest > datetime.timedelta(minutes=29)

    samples = scrape(client)
    assert samples[("portal_outbox_open_deliveries", (("partner", "buzzin"), ("state", "pending")))] == 2
    assert samples[("portal_outbox_open_deliveries", (("partner", "opscom"), ("state", "failed")))] == 1
    assert ("portal_outbox_open_deliveries", (("partner", "buzzin"), ("state", "succeeded"))) not in samples
    assert 30 * 60 <= samples[("portal_outbox_oldest_undelivered_age_seconds", ())] < 31 * 60
    assert samples[("portal_backlog_up", ())] == 1


def test_nothing_waiting_reads_zero(client):
    samples = scrape(client)
    assert samples[("portal_outbox_oldest_undelivered_age_seconds", ())] == 0
    assert samples[("portal_webhook_events_waiting", ())] == 0


def test_webhook_events_waiting_and_failed(client):
    for n, state in enumerate([InboundEventState.RECEIVED, InboundEventState.RECEIVED, InboundEventState.FAILED]):
        InboundEvent.objects.create(event_id=f"evt_{n}", event="passes.permits.scanned", payload={}, state=state)
    InboundEvent.objects.filter(event_id="evt_0").update(received_at=timezone.now() - datetime.timedelta(minutes=5))
    samples = scrape(client)
    assert samples[("portal_webhook_events_waiting", ())] == 2
    assert samples[("portal_webhook_events_failed", ())] == 1
    assert samples[("portal_webhook_oldest_waiting_age_seconds", ())] >= 5 * 60


def test_tasks_are_counted_and_timed_by_name_and_outcome():
    labels = {"task": "integrations.webhook_relay", "outcome": "success"}
    before = REGISTRY.get_sample_value("portal_celery_tasks_total", labels) or 0
    timed = REGISTRY.get_sample_value("portal_celery_task_duration_seconds_count", {"task": labels["task"]}) or 0
    webhook_relay_task.apply()
    assert REGISTRY.get_sample_value("portal_celery_tasks_total", labels) == before + 1
    assert REGISTRY.get_sample_value("portal_celery_task_duration_seconds_count", {"task": labels["task"]}) == timed + 1


def test_a_metrics_token_is_required_once_set(client, settings):
    settings.METRICS_TOKEN = "metrics-token-7Hq2"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert scrape(client, HTTP_AUTHORIZATION="Bearer metrics-token-7Hq2")[("portal_backlog_up", ())] == 1
