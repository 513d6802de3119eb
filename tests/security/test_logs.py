"""Structured logs: every line of a request carries its request id, and no secret or document byte is logged.

One run exercises sign-in failures (a typed password), webhook refusals, API calls, an upload and
partner deliveries that fail against a loopback server echoing everything it was sent.
"""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.core.request_id import RequestIdFilter
from portal.integrations.buzzin.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, current_time_ms, sign
from portal.integrations.delivery import sender
from portal.integrations.delivery.models import OutboundDelivery

from .conftest import client_for

pytestmark = pytest.mark.django_db

WEBHOOK_SECRET = "whsec-Zq8v1LmN4pXr7TtY"
OPSCOM_TOKEN = "opscom-tok-H3kP9wQx2Vn6"
BUZZIN_KEY = "buzzin-key-R5tG8yU1iO0p"
TYPED_PASSWORD = "typed-Pa55word-K7jD2sLq"
# A document whose bytes would show in a log line if any upload were logged.
DOCUMENT = (
    b"%PDF-1.4\n% secret-document-body-Xy9QwE7r\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
DOCUMENT_MARKER = "secret-document-body-Xy9QwE7r"


class EchoHandler(BaseHTTPRequestHandler):
    """Answers 400 (or 500) repeating the request line, headers and body: the worst partner for a log."""

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        echo = {"message": "rejected", "echo": {"path": self.path, "headers": dict(self.headers), "body": body}}
        status = 500 if "fail5xx" in self.path else 400
        raw = json.dumps(echo).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def secrets(settings, echo_server):
    settings.BUZZIN_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.OPSCOM_API_TOKEN = OPSCOM_TOKEN
    settings.BUZZIN_API_KEY = BUZZIN_KEY
    settings.BUZZIN_API_URL = echo_server
    settings.OPSCOM_API_URL = echo_server
    settings.OUTBOX_DISPATCH = False
    settings.DELIVERY_BACKOFF_BASE_SECONDS = 0.0
    settings.DELIVERY_BACKOFF_MAX_SECONDS = 0.0


@pytest.fixture
def log_records(caplog):
    """Every record at DEBUG, with the request id the configured handler's filter adds."""
    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(RequestIdFilter())
    yield caplog
    caplog.handler.removeFilter(caplog.handler.filters[-1])


def test_request_id_is_echoed_and_on_every_line(db, log_records):
    client = client_for()
    request_id = "req-0123456789abcdef"
    response = client.get("/permits/unknown-reference/", headers={"X-Request-ID": request_id})
    assert response["X-Request-ID"] == request_id
    response = client.post(
        "/webhooks/buzzin/", b"{}", content_type="application/json", headers={"X-Request-ID": request_id}
    )
    assert response.status_code in (401, 503) and response["X-Request-ID"] == request_id
    lines = [record for record in log_records.records if record.name.startswith(("django.request", "portal"))]
    assert lines, "the refusal is logged"
    assert all(record.request_id == request_id for record in lines)

    # An insane id is replaced by a generated one, which is echoed and logged.
    response = client.post(
        "/webhooks/buzzin/", b"{}", content_type="application/json", headers={"X-Request-ID": "bad id"}
    )
    generated = response["X-Request-ID"]
    assert generated != "bad id" and len(generated) >= 8
    assert log_records.records[-1].request_id == generated


def test_configured_console_handler_adds_the_request_id(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert "request_id" in handler["filters"]
    assert settings.LOGGING["filters"]["request_id"]["()"] == "portal.core.request_id.RequestIdFilter"
    assert "%(request_id)s" in settings.LOGGING["formatters"]["plain"]["format"]


def test_no_secret_and_no_document_in_logs(world, secrets, log_records):
    a = world.a
    anonymous = client_for()
    # Sign-in failures with a typed password (staff and contractor sign-in pages).
    for url, username in (("/accounts/login/", a.contractor_user.username), ("/admin/login/", a.manager.username)):
        response = anonymous.post(url, {"username": username, "password": TYPED_PASSWORD})
        assert response.status_code == 200
    # Webhook refusals: wrong token, a signature over garbage, the secret sent as a token with a bad signature.
    raw = json.dumps({"id": "evt-log-1", "event": "passes.permits.issued", "data": {}}).encode()
    now = str(current_time_ms())
    attempts = [
        {"X-Buzzin-Token": WEBHOOK_SECRET[::-1]},
        {SIGNATURE_HEADER: sign("wrong", now, raw), TIMESTAMP_HEADER: now},
        {SIGNATURE_HEADER: "f" * 64, TIMESTAMP_HEADER: now, "X-Buzzin-Token": WEBHOOK_SECRET},
    ]
    for headers in attempts:
        response = anonymous.post("/webhooks/buzzin/", raw, content_type="application/json", headers=headers)
        assert response.status_code == 401
    # API calls: one with A's key, one with a made-up key, one with B's key on A's permit.
    api = client_for(HTTP_AUTHORIZATION=f"Bearer {a.raw_key}")
    assert api.get(f"/api/v1/permits/{a.permits['active'].reference}").status_code == 200
    assert client_for(HTTP_AUTHORIZATION="Bearer ppk_made-up-key-000000").get("/api/v1/permits/x").status_code == 401
    foreign = client_for(HTTP_AUTHORIZATION=f"Bearer {world.b.raw_key}")
    assert foreign.get(f"/api/v1/permits/{a.permits['active'].reference}").status_code == 404
    # An upload (accepted) and one refused.
    contractor = client_for(a.contractor_user)
    url = f"/permits/{a.permits['draft'].reference}/noc/"
    data = {"noc-noc_number": "NOC-LOG", "noc-issue_date": "2026-01-01", "noc-expiry_date": "2040-01-01"}
    upload = SimpleUploadedFile("noc.pdf", DOCUMENT, content_type="application/pdf")
    assert contractor.post(url, {**data, "noc-file": upload}).status_code == 302
    refused = SimpleUploadedFile("noc.pdf", b"MZ" + DOCUMENT, content_type="application/pdf")
    assert contractor.post(url, {**data, "noc-file": refused}).status_code == 200
    # Deliveries that fail against the echoing partner (Buzz-In and OPS-COM rows alike).
    pending = OutboundDelivery.objects.filter(state="pending").order_by("pk")
    assert pending.exists()
    outcomes = {sender.delivery_send(row.pk) for row in pending[:12]}
    assert outcomes - {"succeeded"}, outcomes

    text = "\n".join(
        f"{record.getMessage()} {record.exc_text or ''} {getattr(record, 'request_id', '')}"
        for record in log_records.records
    )
    assert "refused" in text, "webhook refusals are logged"
    for secret in (
        WEBHOOK_SECRET,
        OPSCOM_TOKEN,
        BUZZIN_KEY,
        TYPED_PASSWORD,
        a.raw_key,
        world.b.raw_key,
        DOCUMENT_MARKER,
    ):
        assert secret not in text, f"{secret[:6]}… reached the logs"
    for record in log_records.records:
        if record.name.startswith("django.request"):
            assert record.request_id != "-", record.getMessage()
