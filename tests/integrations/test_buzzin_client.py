"""BuzzinClient against a scripted HTTP stub on 127.0.0.1, plus the webhook signing helpers."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import format_datetime as http_date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from portal.integrations.buzzin import signing
from portal.integrations.buzzin.client import BuzzinClient, parse_retry_after, status_name, summarize_request
from portal.integrations.http import (
    BadRequest,
    Conflict,
    NotFound,
    PartnerConnectionError,
    PartnerError,
    PartnerTimeout,
    RateLimited,
    ServerError,
    Unauthorized,
)

API_KEY = "bzk_live_SECRET_4f9a2c71"


@dataclass
class Scripted:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    echo_authorization: bool = False  # put the Authorization header into the error message


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class StubServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), StubHandler)
        self.next_response = Scripted()
        self.received: list[Received] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class StubHandler(BaseHTTPRequestHandler):
    server: StubServer
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(raw) if raw else None
        self.server.received.append(Received(self.command, self.path, dict(self.headers), body))
        scripted = self.server.next_response
        time.sleep(scripted.delay)
        payload = scripted.body
        if scripted.echo_authorization:
            auth = self.headers.get("Authorization", "")
            payload = json.dumps({"name": "Unauthorized", "message": f"bad key {auth}", "code": 401}).encode()
        try:
            self.send_response(scripted.status)
            for name, value in scripted.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST = do_PATCH = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[StubServer]:
    server = StubServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def buzzin(stub: StubServer) -> BuzzinClient:
    return BuzzinClient(stub.url, API_KEY, timeout=(1.0, 2.0))


def error_body(name: str, message: str, code: int) -> bytes:
    return json.dumps({"name": name, "message": message, "code": code}).encode()


# Requests on the wire


CALLS = [
    (lambda c: c.create_contractor({"name": "A"}), "POST", "/communityContractors", {"name": "A"}),
    (lambda c: c.contractor_action("c1", "revoke"), "PATCH", "/communityContractors/c1", {"action": "revoke"}),
    (lambda c: c.approve_contractor("c1"), "PATCH", "/communityContractors/c1", {"action": "approve"}),
    (lambda c: c.revoke_contractor("c1"), "PATCH", "/communityContractors/c1", {"action": "revoke"}),
    (lambda c: c.create_permit({"x": 1}), "POST", "/permits", {"x": 1}),
    (lambda c: c.get_permit("a1B5g000000XYZWEAW"), "GET", "/permits/a1B5g000000XYZWEAW", None),
    (lambda c: c.update_permit("p1", {"validTill": "t"}), "PATCH", "/permits/p1", {"validTill": "t"}),
    (
        lambda c: c.replace_noc("p1", {"type": "url", "url": "u"}),
        "PATCH",
        "/permits/p1",
        {"action": "replaceNoc", "noc": {"type": "url", "url": "u"}},
    ),
    (lambda c: c.submit_pass("p1"), "PATCH", "/passes/p1", {"action": "submit"}),
    (lambda c: c.revoke_pass("p1"), "PATCH", "/passes/p1", {"action": "revoke"}),
    (lambda c: c.revoke_pass("p1", "left site"), "PATCH", "/passes/p1", {"action": "revoke", "reason": "left site"}),
    (lambda c: c.reissue_pass("p1"), "PATCH", "/passes/p1", {"action": "reissuePass"}),
]


@pytest.mark.parametrize(("call", "method", "path", "body"), CALLS)
def test_each_method_sends_its_documented_request(buzzin, stub, call, method, path, body):
    call(buzzin)

    received = stub.received[-1]
    assert (received.method, received.path, received.body) == (method, path, body)
    assert received.headers["Authorization"] == f"Bearer {API_KEY}"
    assert "Idempotency-Key" not in received.headers


def test_idempotency_key_is_sent_as_header(buzzin, stub):
    buzzin.submit_pass("p1", idempotency_key="delivery-42-attempt")

    assert stub.received[-1].headers["Idempotency-Key"] == "delivery-42-attempt"


def test_ids_are_escaped_in_the_path(buzzin, stub):
    buzzin.get_permit("a/b c")

    assert stub.received[-1].path == "/permits/a%2Fb%20c"


def test_empty_id_is_refused_before_any_call(buzzin, stub):
    with pytest.raises(ValueError):
        buzzin.submit_pass("")
    assert stub.received == []


# Answers


def test_success_returns_parsed_json_and_the_call_record(buzzin, stub):
    stub.next_response = Scripted(201, b'{"_id": "66f0a1b2c3d4e5f600000abc", "status": 10}')

    result = buzzin.create_permit({"salesforcePermitId": "a1B5g000000XYZWEAW"})

    assert result.status_code == 201
    assert result.data == {"_id": "66f0a1b2c3d4e5f600000abc", "status": 10}
    assert result.call.status_code == 201
    assert result.call.method == "POST"
    assert result.call.url == f"{stub.url}/permits"
    assert result.call.request_summary == 'POST /permits {"salesforcePermitId":"a1B5g000000XYZWEAW"}'


def test_empty_success_body_is_an_empty_dict(buzzin, stub):
    stub.next_response = Scripted(200, b"")

    assert buzzin.submit_pass("p1").data == {}


def test_success_with_a_body_that_is_not_json_is_a_retryable_server_error(buzzin, stub):
    stub.next_response = Scripted(200, b"<html>proxy</html>")

    with pytest.raises(ServerError) as raised:
        buzzin.get_permit("p1")
    assert raised.value.retryable


@pytest.mark.parametrize(
    ("status", "error_class", "retryable"),
    [
        (400, BadRequest, False),
        (401, Unauthorized, False),
        (403, Unauthorized, False),
        (404, NotFound, False),
        (409, Conflict, False),
        (422, BadRequest, False),
        (429, RateLimited, True),
        (500, ServerError, True),
        (502, ServerError, True),
        (503, ServerError, True),
    ],
)
def test_error_statuses_map_to_typed_errors(buzzin, stub, status, error_class, retryable):
    stub.next_response = Scripted(status, error_body("Whatever", f"message for {status}", status))

    with pytest.raises(error_class) as raised:
        buzzin.create_permit({})

    error = raised.value
    assert error.message == f"message for {status}"
    assert error.status_code == status
    assert error.code == status
    assert error.retryable is retryable
    assert error.call is not None and error.call.status_code == status
    assert f"message for {status}" in error.call.error


def test_error_without_json_body_gets_a_status_message(buzzin, stub):
    stub.next_response = Scripted(502, b"Bad gateway")

    with pytest.raises(ServerError) as raised:
        buzzin.get_permit("p1")
    assert raised.value.message.startswith("HTTP 502")
    assert raised.value.call.response_excerpt == "Bad gateway"


def test_rate_limited_parses_retry_after_seconds(buzzin, stub):
    stub.next_response = Scripted(429, error_body("TooManyRequests", "slow down", 429), {"Retry-After": "7"})

    with pytest.raises(RateLimited) as raised:
        buzzin.create_permit({})
    assert raised.value.retry_after == 7.0


def test_rate_limited_parses_retry_after_http_date(buzzin, stub):
    from datetime import UTC, datetime, timedelta

    later = http_date(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    stub.next_response = Scripted(429, b"", {"Retry-After": later})

    with pytest.raises(RateLimited) as raised:
        buzzin.create_permit({})
    assert 100 <= raised.value.retry_after <= 121


@pytest.mark.parametrize("header", [None, "", "soon", "nan", "inf"])
def test_unusable_retry_after_is_none(header):
    assert parse_retry_after(header) is None


def test_timeout_raises_partner_timeout(stub):
    stub.next_response = Scripted(200, b"{}", delay=1.0)
    buzzin = BuzzinClient(stub.url, API_KEY, timeout=(0.5, 0.2))

    with pytest.raises(PartnerTimeout) as raised:
        buzzin.get_permit("p1")
    assert raised.value.retryable
    assert raised.value.call.status_code is None


def test_connection_refused_raises_partner_connection_error():
    server = StubServer()
    url = server.url
    server.server_close()  # the port is now closed

    with pytest.raises(PartnerConnectionError) as raised:
        BuzzinClient(url, API_KEY, timeout=(0.5, 0.5)).get_permit("p1")
    assert raised.value.retryable


# Secrets and summaries


def test_api_key_never_appears_in_records_or_messages(buzzin, stub):
    stub.next_response = Scripted(401, echo_authorization=True)

    with pytest.raises(Unauthorized) as raised:
        buzzin.create_contractor({"name": "A"}, idempotency_key="k")

    error = raised.value
    record_text = " ".join(str(value) for value in vars(error.call).values())
    assert stub.received[-1].headers["Authorization"] == f"Bearer {API_KEY}"  # it was really sent
    assert "[redacted]" in error.call.response_excerpt
    assert API_KEY not in record_text
    assert API_KEY not in str(error) and API_KEY not in error.message
    assert API_KEY not in repr(buzzin)


def test_api_key_not_in_successful_record(buzzin, stub):
    stub.next_response = Scripted(200, json.dumps({"echo": API_KEY}).encode())

    result = buzzin.get_permit("p1")

    assert API_KEY not in " ".join(str(value) for value in vars(result.call).values())


def test_base64_file_data_is_summarised_not_recorded(buzzin, stub):
    document = "JVBERi0xLjQK" * 1000  # 12,000 base64 chars = 9,000 bytes
    payload = {"noc": {"type": "base64", "fileName": "noc.pdf", "contentType": "application/pdf", "data": document}}

    result = buzzin.create_permit(payload)

    assert document not in result.call.request_summary
    assert '"data":"<9000 bytes base64>"' in result.call.request_summary
    assert stub.received[-1].body == payload  # the real body still carries the file


def test_summary_handles_nested_lists_and_padding():
    body = {"files": [{"type": "base64", "data": "aGVsbG8="}], "employees": [{"name": "A"}]}

    summary = summarize_request("PATCH", "/permits/p1", body)

    assert (
        summary
        == 'PATCH /permits/p1 {"files":[{"type":"base64","data":"<5 bytes base64>"}],"employees":[{"name":"A"}]}'
    )


def test_summary_without_body_is_method_and_path():
    assert summarize_request("GET", "/permits/p1", None) == "GET /permits/p1"


def test_errors_are_partner_errors(buzzin, stub):
    stub.next_response = Scripted(404, error_body("NotFound", "Record Not Found", 404))

    with pytest.raises(PartnerError):
        buzzin.get_permit("missing")


# Status names


@pytest.mark.parametrize(
    ("number", "name", "expected"),
    [
        (10, None, "DRAFT"),
        (1, None, "ACCEPTED"),
        ("10", None, "DRAFT"),
        (1, "accepted", "ACCEPTED"),
        (3, "REVOKED", "REVOKED"),
        (99, "expired", "EXPIRED"),
        (10, "ARCHIVED", "ARCHIVED"),  # statusName wins
    ],
)
def test_status_name(number, name, expected):
    assert status_name(number, name) == expected


@pytest.mark.parametrize("number", [99, None, "x", 2.5j])
def test_unknown_status_is_unknown_and_logged(number, caplog):
    with caplog.at_level(logging.WARNING):
        assert status_name(number) == "UNKNOWN"
    assert "Unknown Buzz-In permit status" in caplog.text


# Signing

SECRET = "whsec_test_123"
BODY = b'{"id":"e1","event":"passes.permits.issued","data":{"permitId":"p1"}}'
NOW_MS = 1_790_000_000_000


def test_sign_is_lower_hex_hmac_over_timestamp_dash_body():
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"1790000000000-" + BODY, hashlib.sha256).hexdigest()

    assert signing.sign(SECRET, "1790000000000", BODY) == expected
    assert expected == expected.lower()


def test_valid_signature_verifies():
    signature = signing.sign(SECRET, str(NOW_MS), BODY)

    assert signing.verify_signature(SECRET, str(NOW_MS), signature, BODY, NOW_MS) == (True, "ok")


def test_signature_within_tolerance_verifies():
    timestamp = str(NOW_MS - 299_000)

    ok, _ = signing.verify_signature(SECRET, timestamp, signing.sign(SECRET, timestamp, BODY), BODY, NOW_MS)

    assert ok


@pytest.mark.parametrize(
    ("timestamp", "reason"),
    [(str(NOW_MS - 300_001), "timestamp too old"), (str(NOW_MS + 300_001), "timestamp in the future")],
)
def test_stale_or_ahead_timestamp_is_refused(timestamp, reason):
    signature = signing.sign(SECRET, timestamp, BODY)

    assert signing.verify_signature(SECRET, timestamp, signature, BODY, NOW_MS) == (False, reason)


@pytest.mark.parametrize("timestamp", ["17900000000x0", "-1790000000000", "1.79e12", "", "１２３"])
def test_non_numeric_timestamp_is_refused(timestamp):
    signature = signing.sign(SECRET, timestamp, BODY)

    ok, _ = signing.verify_signature(SECRET, timestamp, signature, BODY, NOW_MS)

    assert not ok


def test_wrong_secret_is_refused():
    signature = signing.sign("another-secret", str(NOW_MS), BODY)

    assert signing.verify_signature(SECRET, str(NOW_MS), signature, BODY, NOW_MS) == (False, "signature mismatch")


def test_one_changed_body_byte_is_refused():
    signature = signing.sign(SECRET, str(NOW_MS), BODY)
    tampered = BODY.replace(b"p1", b"p2")

    assert signing.verify_signature(SECRET, str(NOW_MS), signature, tampered, NOW_MS) == (False, "signature mismatch")


def test_missing_headers_or_secret_are_refused():
    signature = signing.sign(SECRET, str(NOW_MS), BODY)

    assert not signing.verify_signature(SECRET, None, signature, BODY, NOW_MS)[0]
    assert not signing.verify_signature(SECRET, str(NOW_MS), None, BODY, NOW_MS)[0]
    assert not signing.verify_signature("", str(NOW_MS), signature, BODY, NOW_MS)[0]


def test_signed_headers_carry_event_delivery_signature_and_token():
    headers = signing.signed_headers(SECRET, BODY, "passes.permits.issued", "d-1", now_ms=NOW_MS)

    assert headers == {
        "Content-Type": "application/json",
        "X-Buzzin-Event": "passes.permits.issued",
        "X-Buzzin-Delivery": "d-1",
        "buzzin-signature": signing.sign(SECRET, str(NOW_MS), BODY),
        "buzzin-signature-timestamp": str(NOW_MS),
        "X-Buzzin-Token": SECRET,
    }
    ok, _ = signing.verify_signature(
        SECRET, headers["buzzin-signature-timestamp"], headers["buzzin-signature"], BODY, NOW_MS
    )
    assert ok


def test_signed_headers_default_to_the_current_time():
    headers = signing.signed_headers(SECRET, BODY, "e", "d")

    assert abs(int(headers["buzzin-signature-timestamp"]) - signing.current_time_ms()) < 5_000
