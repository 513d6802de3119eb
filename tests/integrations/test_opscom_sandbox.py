"""The OPS-COM sandbox on its own, over raw HTTP on 127.0.0.1: the rules, the control API, the CLI."""

from __future__ import annotations

import ast
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from sandboxes.opscom import SandboxHandle, start_sandbox

CLIENT_CODE = "OC-SBX"
TOKEN = "sbx-token-1234-abcd"
ROOT = Path(__file__).resolve().parents[2]
# The client and its error table are pure Python; the rest of portal/integrations/opscom (models, records,
# the subscriber and its handlers) is the Django side of the partner and may import Django.
OPSCOM_STANDALONE = tuple(
    ROOT / "portal/integrations/opscom" / name for name in ("__init__.py", "client.py", "errors.py")
)
OPSCOM_SANDBOX = ROOT / "sandboxes/opscom"
PUSH = {
    "apiToken": TOKEN,
    "plate": "DXB A 1",
    "startTime": "2026-07-01T10:00:00",
    "endTime": "2026-07-31T18:00:00",
    "zone": "ZONE-A",
    "permitNo": "WP-1-1",
}

http = requests.Session()


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


def api(sandbox: SandboxHandle, action: str, body: dict[str, Any], client_code: str = CLIENT_CODE) -> requests.Response:
    return http.post(f"{sandbox.url}/api/{client_code}/v1/permits/{action}", json=body, timeout=5)


def error_code(response: requests.Response) -> int | None:
    return response.json().get("ErrorCode")


def pushed_reference(sandbox: SandboxHandle, **fields: Any) -> str:
    response = api(sandbox, "push", {**PUSH, **fields})
    assert response.status_code == 200, response.text
    return response.json()["reference_id"]


def control(sandbox: SandboxHandle, method: str, path: str, body: dict | None = None) -> requests.Response:
    return http.request(method, f"{sandbox.url}/_sandbox/{path}", json=body, timeout=5)


def live(sandbox: SandboxHandle) -> dict[str, dict[str, Any]]:
    return control(sandbox, "GET", "state").json()["permits"]


# --- permit rules -------------------------------------------------------------------------------


def test_push_accepts_the_alternative_names(sandbox: SandboxHandle) -> None:
    body = {"apiToken": TOKEN, "LicencePlate": "ABC 1", "EndDateUtc": "2026-07-31T18:00:00", "zone": "VISITOR"}
    response = api(sandbox, "push", {**body, "amount": "5.00", "CurrencyID": "AED"})
    permit = live(sandbox)[response.json()["reference_id"]]
    assert (permit["plate"], permit["endTime"], permit["amount"], permit["currency"]) == (
        "ABC 1",
        "2026-07-31T18:00:00",
        "5.00",
        "AED",
    )


def test_success_body_matches_the_contract(sandbox: SandboxHandle) -> None:
    response = api(sandbox, "push", PUSH)
    body = response.json()
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    assert body == {
        "status": "success",
        "reference_id": body["reference_id"],
        "InternalReferenceID": body["reference_id"],
    }


def test_conflicting_spellings_are_refused(sandbox: SandboxHandle) -> None:
    assert error_code(api(sandbox, "push", {**PUSH, "LicencePlate": "OTHER"})) == 9033
    assert error_code(api(sandbox, "push", {**PUSH, "LicencePlate": PUSH["plate"]})) is None


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"endTime": "2026-02-30T18:00:00"}, 9005),
        ({"endTime": "2026-07-31T18:00"}, 9005),
        ({"endTime": "2026-07-31T18:00:00Z"}, 9005),
        ({"endTime": "2026-07-01T10:00:00"}, 9005),  # not after the start
        ({"startTime": "2026-13-01T10:00:00"}, 9007),
        ({"Amount": "14.5"}, 9033),
        ({"Amount": "0.00"}, 9033),
        ({"Amount": "-1.00"}, 9033),
        ({"Amount": "1000000.00"}, 9033),
        ({"Amount": "1,000.00"}, 9033),
        ({"plate": 123}, 9033),
        ({"extra": None}, 9033),
        ({"currency": "C" * 11}, 9030),
        ({"zone": "zone-a"}, 9033),
        ({"apiToken": 12345}, 9002),
        ({"plate": "   "}, 9006),
    ],
)
def test_push_validation(sandbox: SandboxHandle, fields: dict[str, Any], code: int) -> None:
    assert error_code(api(sandbox, "push", {**PUSH, **fields})) == code
    assert live(sandbox) == {}


@pytest.mark.parametrize("fields", [{"Amount": "0.01"}, {"amount": "999999.99"}, {"startTime": ""}, {"unknown": "x"}])
def test_push_edges_that_pass(sandbox: SandboxHandle, fields: dict[str, Any]) -> None:
    assert pushed_reference(sandbox, **fields)


def test_duplicate_push_is_9022_until_the_first_is_deleted(sandbox: SandboxHandle) -> None:
    reference = pushed_reference(sandbox)
    duplicate = api(sandbox, "push", {**PUSH, "plate": " dxb  a 1 ", "permitNo": "WP-1-2"})
    assert (duplicate.status_code, error_code(duplicate)) == (409, 9022)
    api(sandbox, "delete", {"apiToken": TOKEN, "referenceID": reference})
    assert pushed_reference(sandbox) != reference


@pytest.mark.parametrize("name", ["referenceID", "referenceid", "reference_id"])
def test_update_applies_changes_under_every_reference_spelling(sandbox: SandboxHandle, name: str) -> None:
    reference = pushed_reference(sandbox)
    changes = {"EndDateUtc": "2026-08-15T18:00:00", "LicencePlate": "NEW 9", "amount": "30.00", "CurrencyID": "USD"}
    response = api(sandbox, "update", {"apiToken": TOKEN, name: reference, **changes})
    assert response.json()["reference_id"] == reference
    permit = live(sandbox)[reference]
    assert [permit[key] for key in ("endTime", "plate", "amount", "currency", "updates")] == [
        "2026-08-15T18:00:00",
        "NEW 9",
        "30.00",
        "USD",
        1,
    ]
    assert permit["startTime"] == PUSH["startTime"] and permit["zone"] == "ZONE-A"


def test_invalid_update_changes_nothing(sandbox: SandboxHandle) -> None:
    reference = pushed_reference(sandbox)
    before = live(sandbox)[reference]
    body = {"apiToken": TOKEN, "referenceID": reference, "plate": "OK 1", "endTime": "2026-06-01T00:00:00"}
    assert error_code(api(sandbox, "update", body)) == 9005
    assert live(sandbox)[reference] == before


def test_delete_then_update_or_delete_is_not_found(sandbox: SandboxHandle) -> None:
    reference = pushed_reference(sandbox)
    assert api(sandbox, "delete", {"apiToken": TOKEN, "referenceID": reference}).status_code == 200
    for action in ("update", "delete"):
        response = api(sandbox, action, {"apiToken": TOKEN, "referenceID": reference})
        assert (response.status_code, error_code(response)) == (404, 9009)
    assert control(sandbox, "GET", "state").json()["deleted"][reference]["deletedBy"] == "api"


@pytest.mark.parametrize(
    ("client_code", "body", "status", "code"),
    [
        ("OC-NOPE", PUSH, 401, 9000),
        (CLIENT_CODE, {**PUSH, "apiToken": ""}, 401, 9001),
        (CLIENT_CODE, {key: value for key, value in PUSH.items() if key != "apiToken"}, 401, 9001),
        (CLIENT_CODE, {**PUSH, "apiToken": "not-the-token"}, 401, 9002),
        (CLIENT_CODE, {**PUSH, "endTime": ""}, 400, 9004),
        (CLIENT_CODE, {**PUSH, "plate": "X" * 51}, 400, 9021),
        (CLIENT_CODE, {**PUSH, "plate": "X" * 26}, 400, 9030),
        (CLIENT_CODE, {**PUSH, "zone": ""}, 400, 9031),
    ],
)
def test_http_statuses_of_errors(sandbox: SandboxHandle, client_code: str, body: dict, status: int, code: int) -> None:
    response = api(sandbox, "push", body, client_code=client_code)
    assert (response.status_code, error_code(response)) == (status, code)
    assert isinstance(response.json()["ErrorMessage"], str)


def test_client_code_is_checked_before_the_body(sandbox: SandboxHandle) -> None:
    response = http.post(f"{sandbox.url}/api/OC-NOPE/v1/permits/push", data=b"not json", timeout=5)
    assert error_code(response) == 9000
    response = http.post(f"{sandbox.url}/api/{CLIENT_CODE}/v1/permits/push", data=b"not json", timeout=5)
    assert (response.status_code, error_code(response)) == (400, 9003)


def test_unknown_routes_and_methods(sandbox: SandboxHandle) -> None:
    assert http.post(f"{sandbox.url}/api/{CLIENT_CODE}/v1/permits/stats", json=PUSH, timeout=5).status_code == 404
    assert http.get(f"{sandbox.url}/api/{CLIENT_CODE}/v1/permits/push", timeout=5).status_code == 405
    assert control(sandbox, "GET", "nothing").status_code == 404
    assert control(sandbox, "POST", "config", None).status_code == 200  # an empty change is fine


# --- control API --------------------------------------------------------------------------------


def test_state_never_shows_the_token(sandbox: SandboxHandle) -> None:
    pushed_reference(sandbox)
    state = control(sandbox, "GET", "state").json()
    assert TOKEN not in json.dumps(state)
    assert state["config"] == {"clientCode": CLIENT_CODE, "zones": ["VISITOR", "ZONE-A", "ZONE-B"]} | {
        "echoRequest": False,
        "errorsAs200": False,
    }


def test_config_changes_apply_and_reset_restores_them(sandbox: SandboxHandle) -> None:
    changes = {"clientCode": "OC-NEW", "apiToken": "new-token", "zones": ["P1"]}
    assert control(sandbox, "POST", "config", changes).json()["config"]["zones"] == ["P1"]
    assert error_code(api(sandbox, "push", {**PUSH, "apiToken": "new-token", "zone": "P1"})) == 9000
    response = api(sandbox, "push", {**PUSH, "apiToken": "new-token", "zone": "P1"}, client_code="OC-NEW")
    assert response.json()["status"] == "success"
    assert control(sandbox, "POST", "reset").json()["config"]["clientCode"] == CLIENT_CODE
    assert live(sandbox) == {} and pushed_reference(sandbox)


@pytest.mark.parametrize(
    "changes",
    [{"apiToken": "has spaces"}, {"apiToken": "x" * 51}, {"zones": []}, {"zones": "ZONE-A"}, {"colour": "red"}],
)
def test_invalid_config_is_refused(sandbox: SandboxHandle, changes: dict[str, Any]) -> None:
    assert control(sandbox, "POST", "config", changes).status_code == 400
    assert pushed_reference(sandbox)


def test_start_refuses_an_invalid_token() -> None:
    with pytest.raises(ValueError):
        start_sandbox(api_token="secret with spaces")


def test_forget_creates_drift(sandbox: SandboxHandle) -> None:
    reference = pushed_reference(sandbox)
    assert control(sandbox, "POST", f"permits/{reference}/forget").status_code == 200
    assert error_code(api(sandbox, "update", {"apiToken": TOKEN, "referenceID": reference, "plate": "Z"})) == 9009
    assert control(sandbox, "GET", "state").json()["deleted"][reference]["deletedBy"] == "forget"
    assert control(sandbox, "POST", f"permits/{reference}/forget").status_code == 404
    assert control(sandbox, "GET", "stats").json()["calls"] == {"push": 1, "update": 1, "delete": 0}


def test_stats_count_calls_errors_and_repeated_idempotency_keys(sandbox: SandboxHandle) -> None:
    def post(action: str, body: dict[str, Any], key: str) -> None:
        http.post(f"{sandbox.url}/api/{CLIENT_CODE}/v1/permits/{action}", json=body, headers={"Idempotency-Key": key})

    post("push", PUSH, "k-push")
    post("push", PUSH, "k-push")  # 9022: not applied twice
    reference = live(sandbox).popitem()[0]
    update = {"apiToken": TOKEN, "referenceID": reference, "plate": "UPD 1"}
    post("update", update, "k-update")
    post("update", update, "k-update")  # the same again (its first answer lost): changes nothing
    post("update", {**update, "plate": "UPD 2"}, "k-update")  # another change under the same key: revealed
    post("delete", {"apiToken": TOKEN, "referenceID": reference}, "k-delete")
    stats = control(sandbox, "GET", "stats").json()
    assert stats["calls"] == {"push": 2, "update": 3, "delete": 1}
    assert stats["applied"] == {"push": 1, "update": 3, "delete": 1}
    assert stats["errors"] == {"9022": 1}
    assert stats["duplicateIdempotencyKeys"] == {"k-update": 2}


def test_outage_answers_503_without_body_and_spares_the_control_api(sandbox: SandboxHandle) -> None:
    assert control(sandbox, "POST", "outage", {"mode": "503", "seconds": 0.5}).status_code == 200
    response = api(sandbox, "push", PUSH)
    assert (response.status_code, response.content) == (503, b"")
    assert control(sandbox, "GET", "state").json()["outage"]["mode"] == "503"
    time.sleep(0.55)
    assert api(sandbox, "push", PUSH).status_code == 200
    assert control(sandbox, "GET", "stats").json()["outageRejections"] == 1


def test_hang_answers_503_once_the_outage_ends(sandbox: SandboxHandle) -> None:
    control(sandbox, "POST", "outage", {"mode": "hang", "seconds": 0.3})
    started = time.monotonic()
    response = api(sandbox, "push", PUSH)
    assert response.status_code == 503 and 0.25 <= time.monotonic() - started < 5


@pytest.mark.parametrize("body", [{"mode": "down"}, {"mode": "503", "seconds": -1}, {"mode": "hang", "seconds": "5"}])
def test_invalid_outage_is_refused(sandbox: SandboxHandle, body: dict[str, Any]) -> None:
    assert control(sandbox, "POST", "outage", body).status_code == 400


# --- logs, CLI, independence --------------------------------------------------------------------


def test_request_log_redacts_right_and_wrong_tokens(sandbox: SandboxHandle) -> None:
    records: list[str] = []
    handler = logging.Handler(level=logging.DEBUG)
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("sandboxes.opscom")
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        api(sandbox, "push", PUSH)
        api(sandbox, "push", {**PUSH, "apiToken": "guessed-token-777"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
    text = "\n".join(records)
    assert "ErrorCode 9002: Token [redacted] lacks permission" in text
    assert TOKEN not in text and "guessed-token-777" not in text


def test_command_line_serves_and_keeps_the_token_out_of_stderr() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPSCOM_API_TOKEN": TOKEN}
    command = [sys.executable, "-m", "sandboxes.opscom", "--port", "0", "--client-code", "OC-CLI"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        first_line = process.stderr.readline()
        url = first_line.split("listening on ")[1].split()[0]
        response = http.post(f"{url}/api/OC-CLI/v1/permits/push", json={**PUSH, "apiToken": "bad-token-5"}, timeout=5)
        assert error_code(response) == 9002
        assert http.post(f"{url}/api/OC-CLI/v1/permits/push", json=PUSH, timeout=5).json()["status"] == "success"
    finally:
        process.terminate()
        _, rest = process.communicate(timeout=10)
    assert process.returncode == 0
    assert TOKEN not in first_line + rest and "bad-token-5" not in rest and "-> 401 ErrorCode 9002" in rest


def test_the_opscom_client_and_the_sandbox_never_import_django() -> None:
    assert OPSCOM_SANDBOX.is_dir() and all(path.is_file() for path in OPSCOM_STANDALONE)
    sources = [*OPSCOM_STANDALONE, *OPSCOM_SANDBOX.rglob("*.py")]
    for path in sources:
        tree = ast.parse(path.read_text(), filename=str(path))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not {name for name in imported if name.split(".")[0] in ("django", "rest_framework")}, path
