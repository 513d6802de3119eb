"""Neither the secret nor a signature ever reaches the logs, whatever happens to a delivery."""

import logging

import pytest

from portal.integrations.buzzin.signing import current_time_ms, sign

from . import payloads
from .conftest import SECRET, post_webhook

pytestmark = pytest.mark.django_db


def test_secret_and_signatures_never_logged(client, webhook_url, deliver, approved_permit, caplog):
    caplog.set_level(logging.DEBUG)
    body = payloads.permit_event("passes.permits.issued", approved_permit, payloads.issued_data(approved_permit))
    raw = payloads.encode(body)
    now = current_time_ms()
    signatures = [sign(SECRET, str(now), raw), sign(SECRET, str(now - 3_600_000), raw)]

    post_webhook(client, webhook_url, body, secret="wrong-secret")
    post_webhook(client, webhook_url, body, now_ms=now - 3_600_000)
    post_webhook(client, webhook_url, body, headers={"buzzin-signature": "f" * 64})
    post_webhook(client, webhook_url, body, headers={"buzzin-signature": None, "buzzin-signature-timestamp": None})
    post_webhook(client, webhook_url, None, raw=b"not json")
    deliver(body, now_ms=now)

    assert "refused" in caplog.text
    assert SECRET not in caplog.text
    for signature in signatures:
        assert signature not in caplog.text
