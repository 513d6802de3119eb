"""Malformed authenticity headers are refusals (4xx JSON), token-only deliveries can be switched off,
and a traceback of the verification never shows the secret."""

import sys

import pytest

from permits.choices import PermitStatus
from portal.integrations.buzzin import signing
from portal.integrations.buzzin.signing import current_time_ms, sign
from portal.integrations.models import InboundEvent
from portal.integrations.webhooks import verification
from tests.tracebacks import a_secret, frames_below_the_test, shown

from . import payloads
from .conftest import SECRET, post_webhook

pytestmark = pytest.mark.django_db

THE_SECRET = a_secret("webhook")
TOKEN_ONLY = {"buzzin-signature": None, "buzzin-signature-timestamp": None}


@pytest.fixture
def issued(approved_permit):
    return payloads.permit_event("passes.permits.issued", approved_permit, payloads.issued_data(approved_permit))


def assert_refused(response, permit, status=401):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "unauthorized"}
    assert InboundEvent.objects.count() == 0
    permit.refresh_from_db()
    assert permit.status == PermitStatus.APPROVED


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"buzzin-signature-timestamp": "9" * 5000}, id="5000-digit timestamp"),
        pytest.param({"buzzin-signature-timestamp": "1" * 17}, id="17-digit timestamp"),
        pytest.param({"buzzin-signature-timestamp": "١٧٠٠٠٠٠٠٠٠٠٠٠"}, id="non-ASCII digits"),
        pytest.param({"buzzin-signature": "é" * 64}, id="non-ASCII signature"),
        pytest.param({"buzzin-signature": "ÿ"}, id="short non-ASCII signature"),
        pytest.param({"buzzin-signature": "a" * 200_000}, id="huge signature"),
        pytest.param({"buzzin-signature": "g" * 64}, id="not hex"),
        pytest.param({**TOKEN_ONLY, "X-Buzzin-Token": "ü" * 40}, id="non-ASCII token"),
    ],
)
def test_malformed_authenticity_headers_are_refused_not_crashed(client, webhook_url, issued, approved_permit, headers):
    response = post_webhook(client, webhook_url, issued, headers=headers)
    assert_refused(response, approved_permit)


def test_an_unforeseen_error_while_verifying_is_a_refusal(client, webhook_url, issued, approved_permit, monkeypatch):
    def explode(*args, **kwargs):
        raise OverflowError("something nobody thought of")

    monkeypatch.setattr(verification, "verify_signature", explode)
    response = post_webhook(client, webhook_url, issued)
    assert_refused(response, approved_permit)


def test_upper_case_signature_still_verifies(client, webhook_url, issued):
    raw, now = payloads.encode(issued), str(current_time_ms())
    headers = {"buzzin-signature": sign(SECRET, now, raw).upper(), "buzzin-signature-timestamp": now}
    response = client.post(webhook_url, data=raw, content_type="application/json", headers=headers)
    assert response.status_code == 200


# --- token-only deliveries -------------------------------------------------------------------------------


def test_token_only_is_refused_when_switched_off(client, webhook_url, issued, approved_permit, settings):
    settings.BUZZIN_WEBHOOK_ALLOW_TOKEN_ONLY = False
    response = post_webhook(client, webhook_url, issued, headers=TOKEN_ONLY)
    assert_refused(response, approved_permit)


def test_signed_delivery_is_accepted_when_token_only_is_switched_off(deliver, issued, settings):
    settings.BUZZIN_WEBHOOK_ALLOW_TOKEN_ONLY = False
    response = deliver(issued)
    assert response.status_code == 200
    assert InboundEvent.objects.get().verification == "hmac"


def test_production_settings_refuse_token_only_and_base_settings_allow_it():
    from portal.settings import base

    assert base.BUZZIN_WEBHOOK_ALLOW_TOKEN_ONLY is True
    production = _settings_of("portal.settings.production")
    assert production["BUZZIN_WEBHOOK_ALLOW_TOKEN_ONLY"] is False


def _settings_of(module: str) -> dict:
    import json
    import os
    import subprocess

    probe = (
        f"import json, importlib; m = importlib.import_module({module!r}); "
        "print(json.dumps(m.BUZZIN_WEBHOOK_ALLOW_TOKEN_ONLY))"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "permits.example.com",
    }
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    return {"BUZZIN_WEBHOOK_ALLOW_TOKEN_ONLY": json.loads(out.stdout.strip().splitlines()[-1])}


# --- tracebacks --------------------------------------------------------------------------------------------


def test_a_traceback_inside_signature_verification_does_not_show_the_secret(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("failed while signing")

    monkeypatch.setattr(signing.hmac, "new", explode)
    now = current_time_ms()
    headers = {"buzzin-signature": "a" * 64, "buzzin-signature-timestamp": str(now), "X-Buzzin-Token": THE_SECRET}

    frames = frames_below_the_test(lambda: verification.verify_delivery(headers, b"{}", THE_SECRET, now))

    assert {"verify_delivery", "verify_signature", "sign"} <= {frame["function"] for frame in frames}
    assert THE_SECRET not in shown(frames)


def test_a_traceback_of_the_token_check_does_not_show_the_secret(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("failed while comparing")

    monkeypatch.setattr(verification.hmac, "compare_digest", explode)
    headers = {"X-Buzzin-Token": THE_SECRET}

    frames = frames_below_the_test(lambda: verification.verify_delivery(headers, b"{}", THE_SECRET, 0))

    assert "verify_delivery" in {frame["function"] for frame in frames}
    assert THE_SECRET not in shown(frames)


def test_a_traceback_of_the_webhook_view_does_not_show_the_secret(rf, issued, settings, monkeypatch):
    from portal.integrations.buzzin.signing import signed_headers
    from portal.integrations.webhooks import views

    def explode(**kwargs):
        raise RuntimeError("failed while storing")

    settings.BUZZIN_WEBHOOK_SECRET = THE_SECRET
    monkeypatch.setattr(views, "inbound_event_record", explode)
    raw = payloads.encode(issued)
    headers = signed_headers(THE_SECRET, raw, issued["event"], "dlv-1")
    request = rf.post("/webhooks/buzzin/", data=raw, content_type="application/json", headers=headers)

    frames = frames_below_the_test(lambda: views.buzzin_webhook(request), request=request)

    assert "buzzin_webhook" in {frame["function"] for frame in frames}
    assert THE_SECRET not in shown(frames)
