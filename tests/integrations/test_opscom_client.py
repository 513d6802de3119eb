"""OpscomClient against the OPS-COM sandbox over real HTTP on 127.0.0.1 (no Django database)."""

from __future__ import annotations

import json
import logging
import re
import socket
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from portal.integrations.http import (
    BadRequest,
    CallRecord,
    ConfigurationError,
    Conflict,
    NotFound,
    PartnerConnectionError,
    PartnerError,
    PartnerTimeout,
    RateLimited,
    ServerError,
)
from portal.integrations.opscom import (
    ERROR_TABLE,
    OpscomClient,
    format_amount,
    format_local_datetime,
    interpret_response,
    reaction_for,
)
from sandboxes.opscom import SandboxHandle, http_status_for, start_sandbox

CLIENT_CODE = "OC-TEST"
TOKEN = "tok-4f1c9e2a-7b3d-secret"
WRONG_TOKEN = "wrong-token-9d8c7b6a"
START = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
END = datetime(2026, 7, 31, 14, 30, tzinfo=UTC)
PUSH_KWARGS: dict[str, Any] = {
    "plate": "DXB A 12345",
    "start": START,
    "end": END,
    "zone": "ZONE-A",
    "permit_no": "WP-002391-1",
    "amount": Decimal("14.5"),
    "currency": "AED",
}
FAST_TIMEOUT = (1.0, 2.0)
SANDBOX_PACKAGE = Path(__file__).resolve().parents[2] / "sandboxes/opscom"


@pytest.fixture(autouse=True)
def _media_root() -> None:
    """Replaces tests/conftest.py's Django-settings fixture: these tests also run with ``-p no:django``."""


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    handle = start_sandbox(client_code=CLIENT_CODE, api_token=TOKEN)
    yield handle
    handle.stop()


@pytest.fixture(autouse=True)
def fresh_sandbox(sandbox: SandboxHandle) -> None:
    sandbox.state.reset()


@pytest.fixture
def opscom(sandbox: SandboxHandle) -> OpscomClient:
    return OpscomClient(sandbox.url, CLIENT_CODE, TOKEN, timeout=FAST_TIMEOUT)


def control(sandbox: SandboxHandle, method: str, path: str, body: dict | None = None) -> dict[str, Any]:
    response = requests.request(method, f"{sandbox.url}/_sandbox/{path}", json=body, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def push(client: OpscomClient, **overrides: Any):
    return client.push_permit(**{**PUSH_KWARGS, **overrides})


def raw_post(client: OpscomClient, action: str, raw_body: bytes) -> tuple[requests.Response, CallRecord]:
    url = client.url_for(action)
    response = requests.post(url, data=raw_body, headers={"Content-Type": "application/json"}, timeout=5)
    return response, CallRecord(method="POST", url=url, status_code=response.status_code)


def raw_push_body(**fields: Any) -> bytes:
    body = {"apiToken": TOKEN, "plate": "P1", "endTime": "2026-07-31T18:00:00", "zone": "ZONE-A", **fields}
    return json.dumps({name: value for name, value in body.items() if value is not None}).encode()


# --- formatting ---------------------------------------------------------------------------------


def test_datetimes_are_sent_in_the_community_zone_without_offset() -> None:
    assert format_local_datetime(datetime(2026, 7, 1, 6, 0, tzinfo=UTC)) == "2026-07-01T10:00:00"
    assert format_local_datetime(datetime(2026, 7, 1, 6, 0, 59, 999, tzinfo=UTC), "Asia/Dubai") == "2026-07-01T10:00:59"
    assert format_local_datetime(datetime(2026, 1, 15, 12, 0, tzinfo=UTC), "America/Toronto") == "2026-01-15T07:00:00"


@pytest.mark.parametrize("bad", [datetime(2026, 7, 1, 6, 0)])
def test_naive_datetimes_are_refused(bad: datetime) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_local_datetime(bad)


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        format_local_datetime(START, "Mars/Olympus")


@pytest.mark.parametrize(
    ("amount", "wire"),
    [(Decimal("14.5"), "14.50"), (14, "14.00"), ("7.1", "7.10"), (Decimal("999999.99"), "999999.99"), ("0.01", "0.01")],
)
def test_amounts_go_out_with_two_decimals(amount: Any, wire: str) -> None:
    assert format_amount(amount) == wire


@pytest.mark.parametrize("amount", [Decimal("1.005"), "abc", Decimal("NaN"), "Infinity"])
def test_amounts_that_cannot_be_sent_exactly_are_refused(amount: Any) -> None:
    with pytest.raises(ValueError):
        format_amount(amount)


def test_float_amounts_are_refused() -> None:
    with pytest.raises(TypeError):
        format_amount(14.5)


def test_base_url_must_be_http() -> None:
    with pytest.raises(ConfigurationError):
        OpscomClient("", CLIENT_CODE, TOKEN)


# --- round trip ---------------------------------------------------------------------------------


def test_push_update_delete_round_trip(opscom: OpscomClient, sandbox: SandboxHandle) -> None:
    pushed = push(opscom, tz_name="Asia/Dubai")
    reference = pushed.data["reference_id"]
    assert uuid.UUID(reference) and pushed.data["InternalReferenceID"] == reference
    assert pushed.status_code == 200 and pushed.call.status_code == 200
    assert control(sandbox, "GET", "state")["permits"][reference] == {
        "referenceId": reference,
        "plate": "DXB A 12345",
        "startTime": "2026-07-01T10:00:00",
        "endTime": "2026-07-31T18:30:00",
        "zone": "ZONE-A",
        "permitNo": "WP-002391-1",
        "amount": "14.50",
        "currency": "AED",
        "updates": 0,
        "deletedBy": None,
    }

    updated = opscom.update_permit(reference_id=reference, end=END + timedelta(days=1), plate="DXB B 999", amount=20)
    assert updated.data["reference_id"] == reference
    permit = control(sandbox, "GET", "state")["permits"][reference]
    assert (permit["endTime"], permit["plate"], permit["amount"], permit["currency"]) == (
        "2026-08-01T18:30:00",
        "DXB B 999",
        "20.00",
        "AED",
    )

    deleted = opscom.delete_permit(reference_id=reference)
    assert deleted.data["reference_id"] == reference
    state = control(sandbox, "GET", "state")
    assert reference not in state["permits"] and state["deleted"][reference]["deletedBy"] == "api"


def test_request_is_all_strings_with_token_in_body(opscom: OpscomClient, sandbox: SandboxHandle) -> None:
    control(sandbox, "POST", "config", {"echoRequest": True})
    result = push(opscom)
    echoed = json.loads(result.call.response_excerpt)["echo"]
    assert all(isinstance(value, str) for value in echoed.values())
    assert echoed["apiToken"] == "[redacted]"  # it was there, and the client redacted it from the record
    assert json.loads(result.call.request_summary) == echoed


def test_push_without_start_and_amount_omits_them(opscom: OpscomClient, sandbox: SandboxHandle) -> None:
    result = push(opscom, start=None, amount=None, currency=None)
    permit = control(sandbox, "GET", "state")["permits"][result.data["reference_id"]]
    assert (permit["startTime"], permit["amount"], permit["currency"]) == (None, None, None)
    assert set(json.loads(result.call.request_summary)) == {"apiToken", "plate", "endTime", "zone", "permitNo"}


def test_idempotency_key_is_sent_and_duplicates_are_counted(opscom: OpscomClient, sandbox: SandboxHandle) -> None:
    reference = push(opscom, idempotency_key="delivery-1").data["reference_id"]
    later = END + timedelta(days=1)
    opscom.update_permit(reference_id=reference, end=later, idempotency_key="delivery-2")
    opscom.update_permit(reference_id=reference, end=later, idempotency_key="delivery-2")  # a repeat: changes nothing
    assert control(sandbox, "GET", "stats")["duplicateIdempotencyKeys"] == {}
    opscom.update_permit(reference_id=reference, end=later + timedelta(days=1), idempotency_key="delivery-2")
    stats = control(sandbox, "GET", "stats")
    assert stats["duplicateIdempotencyKeys"] == {"delivery-2": 2}
    assert stats["calls"] == {"push": 1, "update": 3, "delete": 0}


# --- error codes --------------------------------------------------------------------------------

ClientCase = tuple[dict[str, str], Callable[[OpscomClient], Any], int]

CLIENT_ERROR_CASES: dict[str, ClientCase] = {
    "9000 unknown client code": ({"client_code": "OC-OTHER"}, push, 9000),
    "9000 empty client code": ({"client_code": ""}, push, 9000),
    "9001 missing token": ({"api_token": ""}, push, 9001),
    "9002 wrong token": ({"api_token": WRONG_TOKEN}, push, 9002),
    "9005 end before start": ({}, lambda c: push(c, end=START - timedelta(hours=1)), 9005),
    "9006 plate missing": ({}, lambda c: push(c, plate=""), 9006),
    "9008 update without reference": ({}, lambda c: c.update_permit(reference_id="", end=END), 9008),
    "9008 delete without reference": ({}, lambda c: c.delete_permit(reference_id=""), 9008),
    "9009 update unknown": ({}, lambda c: c.update_permit(reference_id=str(uuid.uuid4()), end=END), 9009),
    "9009 delete unknown": ({}, lambda c: c.delete_permit(reference_id=str(uuid.uuid4())), 9009),
    "9021 plate over 50": ({}, lambda c: push(c, plate="X" * 51), 9021),
    "9030 plate over 25": ({}, lambda c: push(c, plate="X" * 26), 9030),
    "9030 currency over 10": ({}, lambda c: push(c, currency="EMIRATI-DHS"), 9030),
    "9030 permit number over 50": ({}, lambda c: push(c, permit_no="W" * 51), 9030),
    "9031 zone missing": ({}, lambda c: push(c, zone=""), 9031),
    "9033 unknown zone": ({}, lambda c: push(c, zone="ZONE-Z"), 9033),
    "9033 amount too large": ({}, lambda c: push(c, amount=Decimal("1000000")), 9033),
    "9033 amount zero": ({}, lambda c: push(c, amount=0), 9033),
}

RAW_ERROR_CASES: dict[str, tuple[str, bytes, int]] = {
    "9003 not json": ("push", b"apiToken=x&plate=y", 9003),
    "9003 json array": ("push", b"[]", 9003),
    "9004 end missing": ("push", raw_push_body(endTime=None), 9004),
    "9005 end format": ("push", raw_push_body(endTime="2026-07-31 18:00:00"), 9005),
    "9005 end not a date": ("push", raw_push_body(endTime="2026-02-30T18:00:00"), 9005),
    "9007 start invalid": ("push", raw_push_body(startTime="01/07/2026 10:00"), 9007),
    "9033 number value": ("push", raw_push_body(Amount=14.5), 9033),
    "9033 one decimal": ("push", raw_push_body(Amount="14.5"), 9033),
}

EXPECTED_RULES: dict[int, tuple[type[PartnerError], str]] = {
    **dict.fromkeys((9000, 9001, 9002), (ConfigurationError, "configuration")),
    **dict.fromkeys((9003, 9008), (BadRequest, "bug")),
    **dict.fromkeys((9004, 9005, 9006, 9007, 9010, 9011, 9021, 9030, 9031, 9032, 9033), (BadRequest, "validation")),
    9009: (NotFound, "not_found"),
    **dict.fromkeys((9012, 9022), (Conflict, "already_done")),
}


def assert_mapped(error: PartnerError, code: int) -> None:
    exception, reaction = EXPECTED_RULES[code]
    assert type(error) is exception
    assert error.code == code and not error.retryable
    assert reaction_for(error) == reaction == reaction_for(code) == error.reaction
    assert error.status_code == http_status_for(code) and error.call is not None
    assert error.call.error.startswith(f"OPS-COM error {code}:")


@pytest.mark.parametrize("case", CLIENT_ERROR_CASES.values(), ids=CLIENT_ERROR_CASES.keys())
def test_error_codes_through_the_client(case: ClientCase, sandbox: SandboxHandle) -> None:
    overrides, call, code = case
    credentials = {"client_code": CLIENT_CODE, "api_token": TOKEN, **overrides}
    client = OpscomClient(sandbox.url, credentials["client_code"], credentials["api_token"], timeout=FAST_TIMEOUT)
    with pytest.raises(PartnerError) as caught:
        call(client)
    assert_mapped(caught.value, code)


@pytest.mark.parametrize("case", RAW_ERROR_CASES.values(), ids=RAW_ERROR_CASES.keys())
def test_error_codes_the_client_cannot_cause(case: tuple[str, bytes, int], opscom: OpscomClient) -> None:
    action, raw_body, code = case
    response, call = raw_post(opscom, action, raw_body)
    with pytest.raises(PartnerError) as caught:
        interpret_response(response, call, secrets=(TOKEN,))
    assert_mapped(caught.value, code)


def test_duplicate_push_is_conflict_already_done(opscom: OpscomClient) -> None:
    push(opscom)
    with pytest.raises(Conflict) as caught:
        push(opscom)
    assert_mapped(caught.value, 9022)


def test_update_and_delete_after_delete_are_not_found(opscom: OpscomClient) -> None:
    reference = push(opscom).data["reference_id"]
    opscom.delete_permit(reference_id=reference)
    for call in (
        lambda: opscom.update_permit(reference_id=reference, plate="NEW"),
        lambda: opscom.delete_permit(reference_id=reference),
    ):
        with pytest.raises(NotFound) as caught:
            call()
        assert_mapped(caught.value, 9009)


def test_every_code_the_sandbox_implements_is_exercised() -> None:
    sources = "\n".join(path.read_text() for path in SANDBOX_PACKAGE.glob("*.py"))
    implemented = {int(code) for code in re.findall(r"\b90\d\d\b", sources)}
    exercised = {case[-1] for case in (*CLIENT_ERROR_CASES.values(), *RAW_ERROR_CASES.values())} | {9022}
    assert implemented == exercised


def test_error_table_matches_the_contract() -> None:
    for code, (exception, reaction) in EXPECTED_RULES.items():
        assert (ERROR_TABLE[code].exception, ERROR_TABLE[code].reaction) == (exception, reaction), code
    assert all(ERROR_TABLE[code].reaction == "bug" for code in range(9013, 9021))


def test_unknown_codes_are_bad_requests() -> None:
    assert reaction_for(9999) == reaction_for("E42") == "bug"
    assert reaction_for("9009") == "not_found"
    assert reaction_for(None) == "retry"


def test_errors_answered_with_http_200_are_still_errors(opscom: OpscomClient, sandbox: SandboxHandle) -> None:
    control(sandbox, "POST", "config", {"errorsAs200": True})
    with pytest.raises(NotFound) as caught:
        opscom.delete_permit(reference_id="gone")
    assert caught.value.code == 9009 and caught.value.status_code == 200


def test_status_without_opscom_body_decides_only_then(sandbox: SandboxHandle) -> None:
    client = OpscomClient(f"{sandbox.url}/wrong-prefix", CLIENT_CODE, TOKEN, timeout=FAST_TIMEOUT)
    with pytest.raises(BadRequest) as caught:
        push(client)
    assert caught.value.status_code == 404 and caught.value.code is None
    assert reaction_for(caught.value) == "bug"


# --- outages ------------------------------------------------------------------------------------


def test_503_outage_is_retryable_and_success_follows(opscom: OpscomClient, sandbox: SandboxHandle) -> None:
    control(sandbox, "POST", "outage", {"mode": "503", "seconds": 30})
    with pytest.raises(ServerError) as caught:
        push(opscom)
    assert caught.value.retryable and caught.value.status_code == 503 and caught.value.code is None
    assert reaction_for(caught.value) == "retry" and caught.value.retry_after == 30
    control(sandbox, "POST", "outage", {"mode": "off"})
    assert push(opscom).data["reference_id"]
    assert control(sandbox, "GET", "stats")["outageRejections"] == 1


def test_hang_outage_times_out_then_recovers(sandbox: SandboxHandle) -> None:
    client = OpscomClient(sandbox.url, CLIENT_CODE, TOKEN, timeout=(1.0, 0.3))
    control(sandbox, "POST", "outage", {"mode": "hang", "seconds": 10})
    started = time.monotonic()
    with pytest.raises(PartnerTimeout) as caught:
        push(client)
    assert time.monotonic() - started < 3
    assert caught.value.retryable and reaction_for(caught.value) == "retry"
    control(sandbox, "POST", "outage", {"mode": "off"})
    assert push(client).data["reference_id"]


def test_rate_limit_outage_carries_retry_after(opscom: OpscomClient, sandbox: SandboxHandle) -> None:
    control(sandbox, "POST", "outage", {"mode": "429", "seconds": 30})
    with pytest.raises(RateLimited) as caught:
        push(opscom)
    assert caught.value.retryable and 29 <= caught.value.retry_after <= 30


def test_connection_refused_is_retryable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = OpscomClient(f"http://127.0.0.1:{port}", CLIENT_CODE, TOKEN, timeout=(0.5, 0.5))
    with pytest.raises(PartnerConnectionError) as caught:
        push(client)
    assert caught.value.retryable and TOKEN not in str(vars(caught.value))


# --- the token never leaks ----------------------------------------------------------------------


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def opscom_logs() -> Iterator[ListHandler]:
    handler, logger = ListHandler(), logging.getLogger("portal.integrations.opscom")
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(previous_level)


def everything_about(outcome: Any) -> str:
    """Every text a caller could store or print: str, repr, attributes, the call record, a traceback."""
    parts = [str(outcome), repr(outcome), repr(getattr(outcome, "__dict__", ""))]
    call = getattr(outcome, "call", None)
    if call is not None:
        parts.append(repr(vars(call)))
    if isinstance(outcome, BaseException):
        parts.append("".join(traceback.format_exception(outcome)))
    return "\n".join(parts)


def outcome_of(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except PartnerError as error:
        return error


def test_token_never_appears_anywhere(sandbox: SandboxHandle, opscom_logs: ListHandler) -> None:
    control(sandbox, "POST", "config", {"echoRequest": True})
    good = OpscomClient(sandbox.url, CLIENT_CODE, TOKEN, timeout=(1.0, 0.3))
    wrong = OpscomClient(sandbox.url, CLIENT_CODE, WRONG_TOKEN, timeout=(1.0, 0.3))
    pushed = push(good)
    reference = pushed.data["reference_id"]
    outcomes = [
        pushed,
        good.update_permit(reference_id=reference, plate="NEW 1"),
        outcome_of(lambda: push(good, zone="NOWHERE")),
        outcome_of(lambda: push(wrong)),
        outcome_of(lambda: push(good, plate="NEW 1")),
        good.delete_permit(reference_id=reference),
        good,
        wrong,
    ]
    control(sandbox, "POST", "outage", {"mode": "503"})
    outcomes.append(outcome_of(lambda: push(good)))
    control(sandbox, "POST", "outage", {"mode": "hang", "seconds": 5})
    outcomes.append(outcome_of(lambda: push(good)))
    control(sandbox, "POST", "outage", {"mode": "off"})

    assert [type(outcome).__name__ for outcome in outcomes[2:5]] == ["BadRequest", "ConfigurationError", "Conflict"]
    assert [type(outcome).__name__ for outcome in outcomes[-2:]] == ["ServerError", "PartnerTimeout"]
    text = "\n".join(everything_about(outcome) for outcome in outcomes) + "\n".join(opscom_logs.lines)
    assert TOKEN not in text and WRONG_TOKEN not in text
    assert "Token [redacted] lacks permission" in str(outcomes[3])  # the sandbox echoed it; we removed it
    assert '"apiToken": "[redacted]"' in pushed.call.response_excerpt
    assert opscom_logs.lines, "client and sandbox should have logged"
