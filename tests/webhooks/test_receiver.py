"""The receiver's ordered checks: configured secret, body size, authenticity, JSON envelope; then store once."""

import pytest

from permits.choices import PermitStatus
from portal.integrations.buzzin.records import permit_buzzin_id
from portal.integrations.buzzin.signing import current_time_ms, sign
from portal.integrations.models import InboundEvent, InboundEventState
from portal.integrations.webhooks.views import MAX_BODY_BYTES
from tests.factories import CommunityFactory

from . import payloads
from .conftest import SECRET, post_webhook

pytestmark = pytest.mark.django_db

MINUTE_MS = 60_000


@pytest.fixture
def issued(approved_permit):
    return payloads.permit_event("passes.permits.issued", approved_permit, payloads.issued_data(approved_permit))


def assert_refused_and_nothing_changed(response, status, permit):
    assert response.status_code == status
    assert "error" in response.json()
    assert InboundEvent.objects.count() == 0
    permit.refresh_from_db()
    assert permit.status == PermitStatus.APPROVED
    assert permit.access_code == ""


def test_valid_hmac_is_accepted_stored_and_processed(deliver, issued, approved_permit):
    response = deliver(issued)

    assert response.status_code == 200
    assert response.json() == {"status": "accepted", "id": issued["id"]}
    inbound = InboundEvent.objects.get()
    assert (inbound.event_id, inbound.event, inbound.verification) == (issued["id"], issued["event"], "hmac")
    assert inbound.delivery_id == "dlv-test"
    assert inbound.community_id == approved_permit.community.buzzin.buzzin_id
    assert inbound.created_at_remote is not None
    assert inbound.state == InboundEventState.PROCESSED
    approved_permit.refresh_from_db()
    assert approved_permit.status == PermitStatus.ACTIVE


def test_valid_token_without_signature_is_accepted(deliver, issued):
    headers = {"buzzin-signature": None, "buzzin-signature-timestamp": None}
    response = deliver(issued, headers=headers)

    assert response.status_code == 200
    assert InboundEvent.objects.get().verification == "token"


def test_captured_payload_is_accepted(deliver):
    CommunityFactory(buzzin__buzzin_id=payloads.CAPTURED_ISSUED["communityId"])
    response = deliver(payloads.CAPTURED_ISSUED)

    assert response.status_code == 200
    inbound = InboundEvent.objects.get()
    assert inbound.payload == payloads.CAPTURED_ISSUED
    # no such permit here: it waits for the permit rather than failing at once
    assert inbound.state == InboundEventState.RECEIVED
    assert "no permit" in inbound.error


def test_wrong_secret_is_refused(client, webhook_url, issued, approved_permit):
    response = post_webhook(client, webhook_url, issued, secret="not-the-secret")
    assert_refused_and_nothing_changed(response, 401, approved_permit)


def test_one_changed_byte_is_refused(client, webhook_url, issued, approved_permit):
    raw = payloads.encode(issued)
    now = str(current_time_ms())
    tampered = raw.replace(b"WP-002391", b"WP-002392")
    headers = {
        "buzzin-signature": sign(SECRET, now, raw),
        "buzzin-signature-timestamp": now,
        "X-Buzzin-Token": SECRET,
    }
    response = client.post(webhook_url, data=tampered, content_type="application/json", headers=headers)
    assert_refused_and_nothing_changed(response, 401, approved_permit)


@pytest.mark.parametrize("offset_ms", [-5 * MINUTE_MS - 1_000, -60 * MINUTE_MS, 10 * MINUTE_MS])
def test_stale_or_future_timestamp_is_refused(client, webhook_url, issued, approved_permit, offset_ms):
    response = post_webhook(client, webhook_url, issued, now_ms=current_time_ms() + offset_ms)
    assert_refused_and_nothing_changed(response, 401, approved_permit)


def test_non_numeric_timestamp_is_refused(client, webhook_url, issued, approved_permit):
    response = post_webhook(client, webhook_url, issued, headers={"buzzin-signature-timestamp": "yesterday"})
    assert_refused_and_nothing_changed(response, 401, approved_permit)


@pytest.mark.parametrize(
    "missing",
    [
        ("buzzin-signature", "buzzin-signature-timestamp", "X-Buzzin-Token"),
        ("buzzin-signature",),
        ("buzzin-signature-timestamp",),
    ],
)
def test_missing_headers_are_refused(client, webhook_url, issued, approved_permit, missing):
    response = post_webhook(client, webhook_url, issued, headers=dict.fromkeys(missing))
    assert_refused_and_nothing_changed(response, 401, approved_permit)


def test_valid_token_does_not_rescue_a_bad_signature(client, webhook_url, issued, approved_permit):
    response = post_webhook(client, webhook_url, issued, headers={"buzzin-signature": "0" * 64})
    assert_refused_and_nothing_changed(response, 401, approved_permit)


def test_wrong_token_alone_is_refused(client, webhook_url, issued, approved_permit):
    headers = {"buzzin-signature": None, "buzzin-signature-timestamp": None, "X-Buzzin-Token": "guess"}
    response = post_webhook(client, webhook_url, issued, headers=headers)
    assert_refused_and_nothing_changed(response, 401, approved_permit)


def test_no_secret_configured_refuses_everything(client, webhook_url, issued, approved_permit, settings):
    settings.BUZZIN_WEBHOOK_SECRET = ""
    response = post_webhook(client, webhook_url, issued, secret="")
    assert_refused_and_nothing_changed(response, 503, approved_permit)
    response = post_webhook(client, webhook_url, issued, headers={"X-Buzzin-Token": ""})
    assert_refused_and_nothing_changed(response, 503, approved_permit)


def test_oversize_body_is_refused(client, webhook_url, issued, approved_permit):
    issued["data"]["padding"] = "x" * MAX_BODY_BYTES
    response = post_webhook(client, webhook_url, issued)
    assert_refused_and_nothing_changed(response, 413, approved_permit)


def test_oversize_declared_length_is_refused_before_reading(client, webhook_url, approved_permit):
    response = client.generic(
        "POST", webhook_url, data=b"{}", content_type="application/json", CONTENT_LENGTH=str(MAX_BODY_BYTES + 1)
    )
    assert_refused_and_nothing_changed(response, 413, approved_permit)


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1, 2]",
        b'"text"',
        b'{"event": "passes.permits.issued"}',
        b'{"id": "e1"}',
        b'{"id": "", "event": "x"}',
    ],
)
def test_body_that_is_not_an_envelope_is_refused(client, webhook_url, approved_permit, raw):
    response = post_webhook(client, webhook_url, None, raw=raw)
    assert_refused_and_nothing_changed(response, 400, approved_permit)


def test_empty_body_is_refused(client, webhook_url, approved_permit):
    response = post_webhook(client, webhook_url, None, raw=b"")
    assert_refused_and_nothing_changed(response, 400, approved_permit)


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_other_methods_are_not_allowed(client, webhook_url, method):
    response = getattr(client, method)(webhook_url)
    assert response.status_code == 405
    assert InboundEvent.objects.count() == 0


def test_no_csrf_token_needed(webhook_url, issued, approved_permit):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = post_webhook(strict, webhook_url, issued)
    assert response.status_code == 200


def test_unknown_event_is_stored_and_acknowledged_not_processed(deliver, approved_permit):
    body = payloads.permit_event(
        "passes.permits.teleported", approved_permit, {"permitId": permit_buzzin_id(approved_permit)}
    )
    response = deliver(body)

    assert response.status_code == 200
    inbound = InboundEvent.objects.get()
    assert inbound.state == InboundEventState.IGNORED
    assert inbound.attempts == 0
    approved_permit.refresh_from_db()
    assert approved_permit.status == PermitStatus.APPROVED
