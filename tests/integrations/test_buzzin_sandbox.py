"""The Buzz-In sandbox over real HTTP on 127.0.0.1, driven through BuzzinClient, with a signed-webhook receiver."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from portal.integrations.buzzin import signing
from portal.integrations.buzzin.client import BuzzinClient
from portal.integrations.http import BadRequest, Conflict, NotFound, PartnerTimeout, ServerError, Unauthorized
from sandboxes.buzzin import SandboxHandle, start_sandbox
from sandboxes.buzzin.__main__ import build_options, parse_args
from sandboxes.buzzin.demo import DEMO_API_KEY, DEMO_COMMUNITY

WEBHOOK_SECRET = "whsec_sandbox_test"
OTHER_KEY = "other-community-key"
OTHER_COMMUNITY = {
    "communityId": "77e000000000000000000001",
    "apiKey": OTHER_KEY,
    "properties": [{"externalId": "OTHER-TWR", "flats": [{"externalId": "UNIT-0712"}]}],
}
CONTRACTOR_REF = "a0B5g000000ABCDEAW"
PERMIT_REF = "a1B5g000000XYZWEAW"
PDF_BASE64 = base64.b64encode(b"%PDF-1.4 test document").decode()
ISSUED_FIELDS = {
    "permitId",
    "passNumber",
    "status",
    "statusName",
    "type",
    "permitType",
    "communityId",
    "propertyId",
    "flatId",
    "communityContractorId",
    "salesforceId",
    "validFrom",
    "validTill",
    "accessCode",
    "qrToken",
    "qrImageBase64",
    "qrImageUrl",
    "permitDocumentationUrl",
}


# A webhook receiver


@dataclass
class ReceivedWebhook:
    headers: dict[str, str]
    raw_body: bytes

    @property
    def envelope(self) -> dict[str, Any]:
        return json.loads(self.raw_body)

    @property
    def event(self) -> str:
        return self.envelope["event"]

    @property
    def data(self) -> dict[str, Any]:
        return self.envelope["data"]


class Receiver(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.received: list[ReceivedWebhook] = []
        self.failures_left = 0
        self.delay = 0.0
        self.changed = threading.Condition()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/webhooks/buzzin"

    def events(self, name: str | None = None) -> list[ReceivedWebhook]:
        with self.changed:
            return [item for item in self.received if name is None or item.event == name]

    def wait_for(self, name: str, count: int = 1, timeout: float = 5.0) -> list[ReceivedWebhook]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while len(matching := [r for r in self.received if r.event == name]) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [r.event for r in self.received]
                    raise AssertionError(f"expected {count} x {name}, received {seen}")
                self.changed.wait(remaining)
            return matching


class ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        raw_body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(self.server.delay)
        with self.server.changed:
            failing = self.server.failures_left > 0
            self.server.failures_left -= int(failing)
            if not failing:
                self.server.received.append(ReceivedWebhook(dict(self.headers), raw_body))
                self.server.changed.notify_all()
        self.send_response(500 if failing else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


# Fixtures and helpers


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def sandbox(receiver: Receiver) -> Iterator[SandboxHandle]:
    handle = start_sandbox(
        communities=[DEMO_COMMUNITY, OTHER_COMMUNITY],
        accept_delay=0.05,
        webhook_url=receiver.url,
        webhook_secret=WEBHOOK_SECRET,
        webhook_retry_delays=(0.05, 0.05, 0.05),
    )
    yield handle
    handle.stop()


@pytest.fixture
def api(sandbox: SandboxHandle) -> BuzzinClient:
    return BuzzinClient(sandbox.url, DEMO_API_KEY, timeout=(1.0, 3.0))


@pytest.fixture
def other_api(sandbox: SandboxHandle) -> BuzzinClient:
    return BuzzinClient(sandbox.url, OTHER_KEY, timeout=(1.0, 3.0))


def control(sandbox: SandboxHandle, path: str, body: dict | None = None, method: str = "POST") -> requests.Response:
    return requests.request(method, f"{sandbox.url}/_sandbox/{path}", json=body, timeout=3)


def sandbox_state(sandbox: SandboxHandle) -> dict[str, Any]:
    return control(sandbox, "state", method="GET").json()


def iso(delta: timedelta, *, milliseconds: bool = True) -> str:
    moment = datetime.now(UTC).replace(microsecond=0) + delta
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (".000Z" if milliseconds else "Z")


def contractor_payload(number: int = 1, **overrides: Any) -> dict[str, Any]:
    payload = {
        "name": f"Representative {number}",
        "email": f"contractor{number}@example.com",
        "phone": f"+97150123450{number}",
        "company": {
            "companyName": f"Company {number}",
            "tradeLicense": {"type": "base64", "fileName": "licence.pdf", "contentType": "application/pdf"}
            | {"data": PDF_BASE64},
            "tradeLicenseExpiryDate": "2030-01-01",
        },
        "integrations": {"damac": {"salesforceId": CONTRACTOR_REF if number == 1 else f"a0B5g00000000000{number:02d}"}},
    }
    payload.update(overrides)
    return payload


def approved_contractor(api: BuzzinClient, number: int = 1) -> dict[str, Any]:
    created = api.create_contractor(contractor_payload(number)).data
    api.contractor_action(created["_id"], "approve")
    return created


def permit_payload(**overrides: Any) -> dict[str, Any]:
    payload = {
        "salesforcePermitId": PERMIT_REF,
        "contractorSalesforceId": CONTRACTOR_REF,
        "propertyExternalId": "DAMAC-TWR-07",
        "flatExternalId": "UNIT-0712",
        "validFrom": iso(timedelta(hours=-1)),
        "validTill": iso(timedelta(days=30)),
        "jobsSummary": "Full interior fit-out of unit 0712.",
        "permitType": "buildUp",
        "timeIn": "08:00",
        "timeOut": "18:00",
        "representativeName": "Rashid Khan",
        "representativeContact": "+971501112233",
        "employees": [{"name": "Ali Hassan", "idNumber": "784-1990-1234567-1", "phone": "+971501234000"}],
        "vehicles": [{"plate": "DXB A 12345"}],
        "noc": {
            "type": "base64",
            "fileName": "noc.pdf",
            "contentType": "application/pdf",
            "data": PDF_BASE64,
            "nocNumber": "NOC-12345",
            "issueDate": "2026-06-20",
            "expiryDate": "2030-08-20",
        },
    }
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not None}


def accepted_permit(api: BuzzinClient, receiver: Receiver, **overrides: Any) -> dict[str, Any]:
    permit = api.create_permit(permit_payload(**overrides)).data
    api.submit_pass(permit["_id"])
    issued = receiver.wait_for("passes.permits.issued", count=len(receiver.events("passes.permits.issued")) + 1)
    assert issued[-1].data["permitId"] == permit["_id"]
    return api.get_permit(permit["_id"]).data


def raw_api(sandbox: SandboxHandle, method: str, path: str, key: str | None, body: Any = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return requests.request(method, sandbox.url + path, json=body, headers=headers, timeout=3)


def eventually(check: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


# Authentication and error bodies


@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_missing_or_wrong_key_is_401_with_buzzin_error_body(sandbox, key):
    response = raw_api(sandbox, "POST", "/permits", key, {})

    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"name", "message", "code"}
    assert (body["name"], body["code"]) == ("Unauthorized", 401)


def test_wrong_key_raises_unauthorized_in_the_client(sandbox):
    with pytest.raises(Unauthorized):
        BuzzinClient(sandbox.url, "nope").get_permit(PERMIT_REF)


def test_unknown_route_and_invalid_json(sandbox):
    assert raw_api(sandbox, "GET", "/nothing", DEMO_API_KEY).status_code == 404
    response = requests.post(
        f"{sandbox.url}/permits", data=b"{not json", headers={"Authorization": f"Bearer {DEMO_API_KEY}"}, timeout=3
    )
    assert response.status_code == 400
    assert response.json()["name"] == "BadRequest"


# Contractors


def test_create_contractor_answers_201_pending_with_stored_licence(api):
    result = api.create_contractor(contractor_payload())

    assert result.status_code == 201
    body = result.data
    assert set(body) == {"_id", "name", "email", "phone", "approved", "communitiesIds", "company"}
    assert re.fullmatch(r"[0-9a-f]{24}", body["_id"])
    assert body["approved"] is False
    assert body["communitiesIds"] == [DEMO_COMMUNITY["communityId"]]
    assert body["company"]["companyName"] == "Company 1"
    assert body["company"]["tradeLicense"]["publicUrl"].startswith("https://cdn.buzz-in.test/")


def test_create_contractor_echoes_a_url_licence(api):
    licence = {"type": "url", "url": "https://files.example.com/licence.pdf"}
    payload = contractor_payload(company={"companyName": "C", "tradeLicense": licence})

    assert api.create_contractor(payload).data["company"]["tradeLicense"] == {"publicUrl": licence["url"]}


def test_create_contractor_lists_missing_required_fields(api):
    with pytest.raises(BadRequest) as raised:
        api.create_contractor({"name": "Only a name", "company": {}})

    assert "email" in raised.value.message
    assert "phone" in raised.value.message
    assert "company.companyName" in raised.value.message


@pytest.mark.parametrize(
    ("overrides", "same_community"),
    [
        ({"email": "CONTRACTOR1@example.com"}, False),  # email is unique across Buzz-In, case-insensitively
        ({"phone": "+971501234501"}, True),
        ({"integrations": {"damac": {"salesforceId": CONTRACTOR_REF}}}, True),
    ],
)
def test_duplicate_contractor_keys_are_409(api, other_api, overrides, same_community):
    api.create_contractor(contractor_payload(1))
    duplicate = contractor_payload(2, **overrides)

    with pytest.raises(Conflict):
        (api if same_community else other_api).create_contractor(duplicate)


def test_phone_and_salesforce_id_are_unique_per_community_only(api, other_api):
    api.create_contractor(contractor_payload(1))
    elsewhere = contractor_payload(1, email="someone.else@example.com")

    assert other_api.create_contractor(elsewhere).status_code == 201


def test_contractor_action_unknown_id_is_404_and_unknown_action_400(api):
    contractor = api.create_contractor(contractor_payload()).data

    with pytest.raises(NotFound):
        api.contractor_action("0" * 24, "approve")
    with pytest.raises(BadRequest):
        api.contractor_action(contractor["_id"], "suspend")


def test_approve_sends_approved_webhook_once(api, receiver, sandbox):
    contractor = api.create_contractor(contractor_payload()).data

    api.contractor_action(contractor["_id"], "approve", idempotency_key="approve-1")
    api.contractor_action(contractor["_id"], "approve", idempotency_key="approve-1")

    [event] = receiver.wait_for("communityContractors.approved")
    assert event.data == {"communityContractorId": contractor["_id"], "salesforceId": CONTRACTOR_REF}
    time.sleep(0.1)
    assert len(receiver.events("communityContractors.approved")) == 1
    assert control(sandbox, "stats", method="GET").json()["duplicateAppliedKeys"] == []


def test_dashboard_approval_through_control_api(api, receiver, sandbox):
    contractor = api.create_contractor(contractor_payload()).data

    response = control(sandbox, f"contractors/{contractor['_id']}/approve")

    assert response.status_code == 200 and response.json()["approved"] is True
    assert receiver.wait_for("communityContractors.approved")[0].data["communityContractorId"] == contractor["_id"]


def test_auto_approval_after_configured_delay(api, receiver, sandbox):
    control(sandbox, "config", {"autoApproveContractorsAfter": 0.05})

    contractor = api.create_contractor(contractor_payload()).data

    [event] = receiver.wait_for("communityContractors.approved")
    assert event.data == {"communityContractorId": contractor["_id"], "salesforceId": CONTRACTOR_REF}
    assert api.create_permit(permit_payload()).status_code == 201


# Creating permits


def test_contract_create_example_answers_201_draft_with_contract_shape(api):
    contractor = approved_contractor(api)
    example = {  # the contract's example, dated in the future so that it is still valid
        "salesforcePermitId": "a1B5g000000XYZWEAW",
        "contractorSalesforceId": "a0B5g000000ABCDEAW",
        "propertyExternalId": "DAMAC-TWR-07",
        "flatExternalId": "UNIT-0712",
        "validFrom": "2099-07-01T06:00:00.000Z",
        "validTill": "2099-07-31T18:00:00.000Z",
        "jobsSummary": "Full interior fit-out of unit 0712.",
        "noc": {
            "type": "url",
            "url": "https://files.example.com/noc-12345.pdf",
            "nocNumber": "NOC-12345",
            "issueDate": "2026-06-20",
            "expiryDate": "2026-08-20",
        },
    }

    result = api.create_permit(example)

    assert result.status_code == 201
    assert re.fullmatch(r"[0-9a-f]{24}", result.data["_id"])
    assert result.data == {
        "_id": result.data["_id"],
        "status": 10,
        "communityContractorId": contractor["_id"],
        "propertyId": "66e0000000000000000000a1",
        "flatId": "66e0000000000000000000b2",
        "validFrom": "2099-07-01T06:00:00.000Z",
        "validTill": "2099-07-31T18:00:00.000Z",
        "integrations": {
            "damac": {
                "salesforceId": "a1B5g000000XYZWEAW",
                "noc": {"document": {"publicUrl": "https://files.example.com/noc-12345.pdf"}, "nocNumber": "NOC-12345"},
            }
        },
    }


def test_new_permit_is_draft_and_readable_by_id_or_reference(api, receiver):
    approved_contractor(api)
    created = api.create_permit(permit_payload()).data

    by_reference = api.get_permit(PERMIT_REF).data
    by_id = api.get_permit(created["_id"]).data

    assert by_reference == by_id
    assert (by_id["status"], by_id["statusName"]) == (10, "DRAFT")
    assert by_id["passNumber"] is None and by_id["accessCode"] is None
    assert by_id["integrations"]["damac"]["nocHistory"] == []
    assert by_id["integrations"]["damac"]["noc"]["document"]["publicUrl"].startswith("https://cdn.buzz-in.test/")
    time.sleep(0.1)
    assert receiver.events() == [event for event in receiver.events() if event.event.startswith("community")]


def test_permit_can_name_contractor_property_and_flat_by_buzzin_ids(api):
    contractor = approved_contractor(api)
    payload = permit_payload(
        contractorSalesforceId=None,
        communityContractorId=contractor["_id"],
        propertyExternalId=None,
        propertyId="66e0000000000000000000a1",
        flatExternalId=None,
        flatId="66e0000000000000000000b2",
        additionalFlatExternalIds=["UNIT-0713"],
        additionalFlatIds=["66e0000000000000000000b4"],
    )

    assert api.create_permit(payload).status_code == 201


def test_unknown_or_unapproved_contractor_is_404(api, other_api):
    with pytest.raises(NotFound):
        api.create_permit(permit_payload())
    api.create_contractor(contractor_payload())
    with pytest.raises(NotFound, match="not approved"):
        api.create_permit(permit_payload())
    other_contractor = other_api.create_contractor(contractor_payload(3)).data
    other_api.contractor_action(other_contractor["_id"], "approve")
    with pytest.raises(NotFound):
        api.create_permit(permit_payload(contractorSalesforceId=None, communityContractorId=other_contractor["_id"]))


@pytest.mark.parametrize(
    "overrides",
    [
        {"propertyExternalId": "DAMAC-TWR-99"},
        {"propertyExternalId": "OTHER-TWR"},  # another community's property
        {"flatExternalId": "UNIT-9999"},
        {"flatExternalId": "UNIT-0801"},  # a flat of another property
        {"additionalFlatExternalIds": ["UNIT-0713", "UNIT-0801"]},
        {"additionalFlatIds": ["66e0000000000000000000ff"]},
    ],
)
def test_unknown_property_or_flat_is_404(api, overrides):
    approved_contractor(api)

    with pytest.raises(NotFound):
        api.create_permit(permit_payload(**overrides))


def test_duplicate_salesforce_permit_id_is_409(api):
    approved_contractor(api)
    api.create_permit(permit_payload())

    with pytest.raises(Conflict):
        api.create_permit(permit_payload(jobsSummary="a retry"))


@pytest.mark.parametrize(
    "overrides",
    [
        {"validFrom": None},
        {"validTill": None},
        {"validFrom": "not a date"},
        {"validTill": "2099-13-01T00:00:00.000Z"},
        {"validTill": "2099-07-01"},  # a date without a time
        {"validTill": "2099-07-01T06:00:00"},  # no zone
        {"validTill": iso(timedelta(minutes=-5))},  # in the past
        {"validFrom": iso(timedelta(days=10)), "validTill": iso(timedelta(days=9))},  # before validFrom
        {"timeIn": "8am"},
        {"employees": [{"idNumber": "no name"}]},
        {"noc": {"type": "base64", "data": "***not base64***"}},
        {"noc": {"type": "ftp", "url": "ftp://x"}},
    ],
)
def test_invalid_permit_bodies_are_400(api, overrides):
    approved_contractor(api)

    with pytest.raises(BadRequest):
        api.create_permit(permit_payload(**overrides))


def test_dates_without_milliseconds_or_with_offset_are_normalised(api):
    approved_contractor(api)
    payload = permit_payload(validFrom="2099-07-01T10:00:00+04:00", validTill="2099-07-31T18:00:00Z")

    created = api.create_permit(payload).data

    assert (created["validFrom"], created["validTill"]) == ("2099-07-01T06:00:00.000Z", "2099-07-31T18:00:00.000Z")


def test_permit_of_another_community_is_404(api, other_api):
    approved_contractor(api)
    created = api.create_permit(permit_payload()).data

    for identifier in (created["_id"], PERMIT_REF):
        with pytest.raises(NotFound):
            other_api.get_permit(identifier)
    with pytest.raises(NotFound):
        other_api.submit_pass(created["_id"])
    with pytest.raises(NotFound):
        api.get_permit("0" * 24)


# Submitting and the pass


def test_submit_lists_every_missing_prerequisite(api):
    approved_contractor(api)
    created = api.create_permit(
        permit_payload(timeIn=None, timeOut=None, representativeName=None, representativeContact=None, employees=None)
    ).data

    with pytest.raises(BadRequest) as raised:
        api.submit_pass(created["_id"])

    for name in ("timeIn", "timeOut", "representativeName", "representativeContact", "employees"):
        assert name in raised.value.message
    assert api.get_permit(created["_id"]).data["status"] == 10


def test_submit_is_accepted_after_delay_with_a_signed_issued_webhook(api, receiver):
    contractor = approved_contractor(api)
    created = api.create_permit(permit_payload()).data

    assert api.submit_pass(created["_id"]).data == {}

    [issued] = receiver.wait_for("passes.permits.issued")
    ok, reason = signing.verify_signature(
        WEBHOOK_SECRET,
        issued.headers["buzzin-signature-timestamp"],
        issued.headers["buzzin-signature"],
        issued.raw_body,
        signing.current_time_ms(),
    )
    assert ok, reason
    assert issued.headers["X-Buzzin-Token"] == WEBHOOK_SECRET
    assert issued.headers["X-Buzzin-Event"] == "passes.permits.issued"
    assert issued.headers["X-Buzzin-Delivery"]
    envelope = issued.envelope
    assert set(envelope) == {"id", "event", "communityId", "createdAt", "data"}
    assert envelope["communityId"] == DEMO_COMMUNITY["communityId"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", envelope["createdAt"])
    data = issued.data
    assert set(data) == ISSUED_FIELDS
    assert (data["status"], data["statusName"], data["type"], data["permitType"]) == (
        1,
        "ACCEPTED",
        "permits",
        "buildUp",
    )
    assert data["salesforceId"] == PERMIT_REF
    assert data["communityContractorId"] == contractor["_id"]
    assert re.fullmatch(r"WP-\d{6}", data["passNumber"])
    assert re.fullmatch(r"[A-Z0-9]{24}", data["accessCode"])
    assert base64.b64decode(data["qrImageBase64"]).startswith(b"\x89PNG\r\n\x1a\n")
    assert data["qrImageUrl"].startswith("https://") and data["permitDocumentationUrl"].startswith("https://")
    current = api.get_permit(created["_id"]).data
    assert (current["status"], current["statusName"]) == (1, "ACCEPTED")
    assert (current["passNumber"], current["accessCode"]) == (data["passNumber"], data["accessCode"])


def test_pass_numbers_are_sequential(api, receiver):
    approved_contractor(api)
    first = accepted_permit(api, receiver)
    second = accepted_permit(api, receiver, salesforcePermitId="a1B5g000000XYZWEA2")

    assert int(second["passNumber"][3:]) == int(first["passNumber"][3:]) + 1


def test_repeat_submit_changes_nothing_and_is_not_a_duplicate(api, receiver, sandbox):
    approved_contractor(api)
    created = api.create_permit(permit_payload()).data
    api.submit_pass(created["_id"], idempotency_key="submit-42")
    receiver.wait_for("passes.permits.issued")

    assert api.submit_pass(created["_id"], idempotency_key="submit-42").data == {}

    time.sleep(0.15)
    assert len(receiver.events("passes.permits.issued")) == 1
    stats = control(sandbox, "stats", method="GET").json()
    assert stats["repeatedKeys"] == ["submit-42"]
    assert stats["duplicateAppliedKeys"] == []
    assert stats["operations"]["passAction.submit"] == {"requests": 2, "applied": 1, "withIdempotencyKey": 2}


def test_reissue_only_when_accepted_and_mints_a_new_code(api, receiver):
    approved_contractor(api)
    draft = api.create_permit(permit_payload(salesforcePermitId="a1B5g000000DRAFTAW")).data
    with pytest.raises(BadRequest):
        api.reissue_pass(draft["_id"])
    accepted = accepted_permit(api, receiver)

    api.reissue_pass(accepted["_id"])

    reissued = receiver.wait_for("passes.permits.issued", count=2)[-1].data
    assert reissued["accessCode"] != accepted["accessCode"]
    assert reissued["passNumber"] == accepted["passNumber"]
    assert api.get_permit(accepted["_id"]).data["accessCode"] == reissued["accessCode"]


def test_revoke_kills_the_code_and_sends_updated(api, receiver, sandbox):
    approved_contractor(api)
    accepted = accepted_permit(api, receiver)

    api.revoke_pass(accepted["_id"], "left the site", idempotency_key="revoke-1")
    api.revoke_pass(accepted["_id"], "left the site", idempotency_key="revoke-1")

    [updated] = receiver.wait_for("passes.permits.updated")
    assert (updated.data["statusName"], updated.data["reason"]) == ("REVOKED", "left the site")
    assert "accessCode" not in updated.data
    current = api.get_permit(accepted["_id"]).data
    assert (current["statusName"], current["accessCode"]) == ("REVOKED", None)
    scan = control(sandbox, f"permits/{accepted['_id']}/scan", {"accessCode": accepted["accessCode"]})
    assert scan.status_code == 400 and "revoked" in scan.json()["message"]
    with pytest.raises(BadRequest):
        api.reissue_pass(accepted["_id"])
    assert control(sandbox, "stats", method="GET").json()["duplicateAppliedKeys"] == []


def test_unknown_pass_action_is_400_and_unknown_permit_404(api, sandbox):
    response = raw_api(sandbox, "PATCH", "/passes/" + "0" * 24, DEMO_API_KEY, {"action": "explode"})

    assert (response.status_code, response.json()["name"]) == (400, "BadRequest")
    with pytest.raises(NotFound):
        api.submit_pass("0" * 24)


# Updating permits


def test_validity_change_on_accepted_permit_sends_updated_with_new_window(api, receiver):
    approved_contractor(api)
    accepted = accepted_permit(api, receiver)
    new_till = iso(timedelta(days=60))

    assert api.update_permit(accepted["_id"], {"validTill": new_till}).data == {}

    [updated] = receiver.wait_for("passes.permits.updated")
    assert updated.data["validTill"] == new_till
    assert updated.data["accessCode"] == accepted["accessCode"]  # the same QR stays valid
    assert api.get_permit(accepted["_id"]).data["validTill"] == new_till


def test_validity_change_on_draft_sends_nothing(api, receiver):
    approved_contractor(api)
    created = api.create_permit(permit_payload()).data

    api.update_permit(created["_id"], {"validFrom": iso(timedelta(days=1)), "validTill": iso(timedelta(days=2))})

    time.sleep(0.15)
    assert receiver.events("passes.permits.updated") == []


@pytest.mark.parametrize(
    "body",
    [
        {"validTill": iso(timedelta(minutes=-1))},
        {"validTill": iso(timedelta(hours=-2))},  # also before validFrom
        {"validFrom": iso(timedelta(days=40))},  # after the current validTill
        {"validTill": "tomorrow"},
        {},
        {"action": "extend"},
    ],
)
def test_invalid_updates_are_400(api, body):
    approved_contractor(api)
    created = api.create_permit(permit_payload()).data

    with pytest.raises(BadRequest):
        api.update_permit(created["_id"], body)


def test_update_of_unknown_permit_is_404(api):
    with pytest.raises(NotFound):
        api.update_permit("0" * 24, {"timeIn": "09:00"})


def test_decision_fields_can_be_updated(api, sandbox):
    approved_contractor(api)
    created = api.create_permit(permit_payload(employees=None)).data
    workers = [{"name": "Sara", "idNumber": "784-1", "phone": "+971500000001"}, {"name": "Omar"}]

    api.update_permit(created["_id"], {"timeIn": "07:30", "employees": workers, "vehicles": [{"plate": "AUH 1"}]})

    [permit] = sandbox_state(sandbox)["permits"]
    assert permit["timeIn"] == "07:30"
    assert [worker["name"] for worker in permit["employees"]] == ["Sara", "Omar"]
    assert permit["vehicles"] == [{"plate": "AUH 1"}]


def test_replace_noc_keeps_the_previous_one_in_history(api):
    approved_contractor(api)
    created = api.create_permit(permit_payload()).data
    new_noc = {"type": "url", "url": "https://files.example.com/noc-2.pdf", "nocNumber": "NOC-2"}

    api.replace_noc(created["_id"], new_noc | {"issueDate": "2026-07-01", "expiryDate": "2031-01-01"})

    damac = api.get_permit(created["_id"]).data["integrations"]["damac"]
    assert damac["noc"]["document"]["publicUrl"] == new_noc["url"]
    assert damac["noc"]["nocNumber"] == "NOC-2"
    assert [old["nocNumber"] for old in damac["nocHistory"]] == ["NOC-12345"]
    assert damac["nocHistory"][0]["replacedAt"].endswith("Z")


def test_replace_noc_needs_a_valid_noc(api):
    approved_contractor(api)
    created = api.create_permit(permit_payload()).data

    with pytest.raises(BadRequest):
        api.replace_noc(created["_id"], {"type": "url"})


# Revoking a contractor


def test_contractor_revoke_archives_active_permits_then_sends_removed(api, receiver):
    contractor = approved_contractor(api)
    accepted = accepted_permit(api, receiver)
    draft = api.create_permit(permit_payload(salesforcePermitId="a1B5g000000DRAFTAW")).data

    api.contractor_action(contractor["_id"], "revoke")

    [removed] = receiver.wait_for("communityContractors.removed")
    assert removed.data == {"communityContractorId": contractor["_id"], "salesforceId": CONTRACTOR_REF}
    [archived] = receiver.events("passes.permits.updated")
    assert (archived.data["permitId"], archived.data["statusName"]) == (accepted["_id"], "ARCHIVED")
    events = [event.event for event in receiver.events()]
    assert events.index("passes.permits.updated") < events.index("communityContractors.removed")
    assert api.get_permit(accepted["_id"]).data["statusName"] == "ARCHIVED"
    assert api.get_permit(draft["_id"]).data["statusName"] == "DRAFT"
    with pytest.raises(BadRequest):
        api.update_permit(accepted["_id"], {"validTill": iso(timedelta(days=90))})
    with pytest.raises(NotFound):
        api.create_permit(permit_payload(salesforcePermitId="a1B5g000000AFTERAW"))


# One company in several communities: one contractor per e-mail, standing per community


OTHER_PERMIT = {"propertyExternalId": "OTHER-TWR", "flatExternalId": "UNIT-0712"}
HERE, THERE = DEMO_COMMUNITY["communityId"], OTHER_COMMUNITY["communityId"]


def joined_in_both(api: BuzzinClient, other_api: BuzzinClient) -> dict[str, Any]:
    """Created and approved in the demo community, then joined to the other by approve with ITS key."""
    contractor = approved_contractor(api)
    joined = other_api.contractor_action(contractor["_id"], "approve")
    assert joined.status_code == 200
    return joined.data


def test_approve_with_another_communitys_key_joins_it_there(api, other_api, receiver, sandbox):
    contractor = approved_contractor(api)
    receiver.wait_for("communityContractors.approved")
    with pytest.raises(NotFound):  # not in the other community yet
        other_api.create_permit(permit_payload(**OTHER_PERMIT))

    joined = other_api.contractor_action(contractor["_id"], "approve", idempotency_key="join-1")

    assert joined.data["_id"] == contractor["_id"] and joined.data["approved"] is True
    assert joined.data["communitiesIds"] == [DEMO_COMMUNITY["communityId"], OTHER_COMMUNITY["communityId"]]
    first, second = receiver.wait_for("communityContractors.approved", count=2)
    assert (first.envelope["communityId"], second.envelope["communityId"]) == (
        DEMO_COMMUNITY["communityId"],
        OTHER_COMMUNITY["communityId"],
    )
    assert second.data == {"communityContractorId": contractor["_id"], "salesforceId": CONTRACTOR_REF}
    assert other_api.create_permit(permit_payload(**OTHER_PERMIT)).status_code == 201
    [state] = sandbox_state(sandbox)["contractors"]
    assert state["communities"] == {HERE: "approved", THERE: "approved"}
    assert other_api.contractor_action(contractor["_id"], "approve", idempotency_key="join-1").status_code == 200
    assert control(sandbox, "stats", method="GET").json()["duplicateAppliedKeys"] == []


def test_a_second_communitys_create_with_the_same_email_is_409(api, other_api):
    approved_contractor(api)

    with pytest.raises(Conflict) as raised:
        other_api.create_contractor(contractor_payload(1, phone="+971509999999"))
    assert "email" in raised.value.message


def test_joining_a_community_where_the_phone_is_taken_is_409(api, other_api):
    contractor = approved_contractor(api)
    other_api.create_contractor(contractor_payload(2, phone=contractor_payload(1)["phone"]))

    with pytest.raises(Conflict):
        other_api.contractor_action(contractor["_id"], "approve")


def test_revoke_needs_the_contractor_in_the_keys_community(api, other_api):
    contractor = approved_contractor(api)
    with pytest.raises(NotFound):
        other_api.contractor_action(contractor["_id"], "revoke")


def test_revoke_in_one_community_leaves_the_other_untouched(api, other_api, receiver, sandbox):
    contractor = joined_in_both(api, other_api)
    here = accepted_permit(api, receiver)
    there = accepted_permit(api=other_api, receiver=receiver, salesforcePermitId="a1B5g000000OTHERAW", **OTHER_PERMIT)

    revoked = other_api.contractor_action(contractor["_id"], "revoke")

    assert revoked.data["communitiesIds"] == [DEMO_COMMUNITY["communityId"]]
    [removed] = receiver.wait_for("communityContractors.removed")
    assert removed.envelope["communityId"] == OTHER_COMMUNITY["communityId"]
    [archived] = receiver.events("passes.permits.updated")
    assert (archived.data["permitId"], archived.envelope["communityId"]) == (there["_id"], THERE)
    assert other_api.get_permit(there["_id"]).data["statusName"] == "ARCHIVED"
    assert api.get_permit(here["_id"]).data["statusName"] == "ACCEPTED"
    assert control(sandbox, f"permits/{here['_id']}/scan", {"accessCode": here["accessCode"]}).status_code == 200
    assert control(sandbox, f"permits/{there['_id']}/scan", {"accessCode": there["accessCode"]}).status_code == 400
    assert api.create_permit(permit_payload(salesforcePermitId="a1B5g000000AGAINAW")).status_code == 201
    with pytest.raises(NotFound):
        other_api.create_permit(permit_payload(salesforcePermitId="a1B5g000000NOPE0AW", **OTHER_PERMIT))


def test_revoked_in_one_community_can_join_it_again_by_approve(api, other_api, receiver):
    contractor = joined_in_both(api, other_api)
    other_api.contractor_action(contractor["_id"], "revoke")

    again = other_api.contractor_action(contractor["_id"], "approve")

    assert again.data["approved"] is True and len(again.data["communitiesIds"]) == 2
    assert (
        receiver.wait_for("communityContractors.approved", count=3)[-1].envelope["communityId"]
        == (OTHER_COMMUNITY["communityId"])
    )


# Outages


def test_outage_503_then_normal(api, sandbox):
    assert control(sandbox, "outage", {"mode": "503", "seconds": 0.3}).status_code == 200

    with pytest.raises(ServerError) as raised:
        api.get_permit(PERMIT_REF)
    assert raised.value.status_code == 503 and raised.value.retryable
    assert control(sandbox, "state", method="GET").status_code == 200  # the control API stays up

    time.sleep(0.35)
    with pytest.raises(NotFound):
        api.get_permit(PERMIT_REF)


def test_hang_outage_makes_the_client_time_out(sandbox):
    control(sandbox, "outage", {"mode": "hang", "seconds": 5, "hangSeconds": 0.6})
    impatient = BuzzinClient(sandbox.url, DEMO_API_KEY, timeout=(0.5, 0.2))

    with pytest.raises(PartnerTimeout):
        impatient.get_permit(PERMIT_REF)

    control(sandbox, "outage", {"mode": None})
    with pytest.raises(NotFound):
        impatient.get_permit(PERMIT_REF)


def test_outage_body_is_validated(sandbox):
    assert control(sandbox, "outage", {"mode": "fire"}).status_code == 400


# Idempotency accounting


def test_retried_create_with_same_key_is_409_and_not_a_duplicate(api, sandbox):
    approved_contractor(api)
    api.create_permit(permit_payload(), idempotency_key="create-7")

    with pytest.raises(Conflict):
        api.create_permit(permit_payload(), idempotency_key="create-7")

    stats = control(sandbox, "stats", method="GET").json()
    assert stats["duplicateAppliedKeys"] == []
    assert stats["keys"]["create-7"] == {"operation": "createPermit", "requests": 2, "applied": 1}
    assert stats["operations"]["createPermit"]["requests"] == 2


def test_a_mutation_applied_twice_under_one_key_is_reported(api, sandbox):
    approved_contractor(api)
    created = api.create_permit(permit_payload()).data
    noc = {"type": "url", "url": "https://files.example.com/noc-2.pdf", "nocNumber": "NOC-2"}

    api.replace_noc(created["_id"], noc, idempotency_key="noc-2")
    api.replace_noc(created["_id"], noc, idempotency_key="noc-2")

    assert control(sandbox, "stats", method="GET").json()["duplicateAppliedKeys"] == ["noc-2"]


def test_concurrent_duplicate_creates_apply_once(api, sandbox):
    approved_contractor(api)

    def create(_: int) -> int:
        try:
            return api.create_permit(permit_payload(), idempotency_key="race").status_code
        except Conflict:
            return 409

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(create, range(8)))

    assert statuses == [201] + [409] * 7
    assert len(sandbox_state(sandbox)["permits"]) == 1


# Webhook delivery


def test_failed_delivery_is_retried_until_acknowledged(api, receiver, sandbox):
    receiver.failures_left = 2

    approved_contractor(api)

    receiver.wait_for("communityContractors.approved")
    eventually(lambda: sandbox_state(sandbox)["webhooks"][0]["state"] == "delivered")
    delivery = sandbox_state(sandbox)["webhooks"][0]
    assert (delivery["attempts"], delivery["status"]) == (3, 204)


def test_slow_receiver_never_blocks_the_api(api, receiver):
    receiver.delay = 0.5
    contractor = api.create_contractor(contractor_payload()).data

    started = time.monotonic()
    api.contractor_action(contractor["_id"], "approve")
    api.contractor_action(contractor["_id"], "revoke")

    assert time.monotonic() - started < 0.4
    receiver.wait_for("communityContractors.removed", timeout=5)


def test_redeliver_sends_the_same_event_id_again(api, receiver, sandbox):
    approved_contractor(api)
    [first] = receiver.wait_for("communityContractors.approved")

    assert control(sandbox, f"webhooks/{first.envelope['id']}/redeliver").status_code == 202

    second = receiver.wait_for("communityContractors.approved", count=2)[1]
    assert second.envelope == first.envelope
    assert second.headers["X-Buzzin-Delivery"] != first.headers["X-Buzzin-Delivery"]


def test_without_webhook_url_events_are_recorded_as_skipped(api, sandbox):
    control(sandbox, "config", {"webhookUrl": None})

    approved_contractor(api)

    eventually(lambda: sandbox_state(sandbox)["webhooks"][0]["state"] == "skipped")


# Gate simulation and drift


def test_scans_send_scanned_first_and_last_scanned(api, receiver, sandbox):
    approved_contractor(api)
    accepted = accepted_permit(api, receiver)
    scan_path = f"permits/{accepted['_id']}/scan"

    first = control(sandbox, scan_path, {"direction": "entry", "gate": "Gate 2", "employeeName": "Ali Hassan"})
    control(sandbox, scan_path, {"direction": "exit", "gate": "Gate 2", "accessCode": accepted["accessCode"]})
    control(sandbox, f"permits/{accepted['_id']}/lastScanned")

    assert first.status_code == 200 and first.json()["firstScan"] is True
    scanned = receiver.wait_for("passes.permits.scanned", count=2)
    [first_scanned] = receiver.wait_for("passes.permits.firstScanned")
    [last_scanned] = receiver.wait_for("passes.permits.lastScanned")
    assert scanned[0].data == first_scanned.data
    assert first_scanned.data["employeeName"] == "Ali Hassan"
    assert (first_scanned.data["direction"], first_scanned.data["gate"]) == ("entry", "Gate 2")
    assert last_scanned.data["direction"] == "exit"


def test_scan_outside_the_window_or_with_a_dead_code_is_rejected(api, receiver, sandbox):
    approved_contractor(api)
    accepted = accepted_permit(api, receiver)
    api.reissue_pass(accepted["_id"])

    old_code = control(sandbox, f"permits/{accepted['_id']}/scan", {"accessCode": accepted["accessCode"]})
    too_late = control(sandbox, f"permits/{accepted['_id']}/scan", {"scannedAt": iso(timedelta(days=45))})

    assert old_code.status_code == 400 and too_late.status_code == 400


def test_expiring_and_expire(api, receiver, sandbox):
    approved_contractor(api)
    accepted = accepted_permit(api, receiver)

    control(sandbox, f"permits/{accepted['_id']}/expiring")
    control(sandbox, f"permits/{accepted['_id']}/expire")

    [expiring] = receiver.wait_for("passes.permits.expiring")
    [expired] = receiver.wait_for("passes.permits.expired")
    assert expiring.data == {"permitId": accepted["_id"], "validTill": accepted["validTill"]}
    assert expired.data == expiring.data
    assert api.get_permit(accepted["_id"]).data["statusName"] == "EXPIRED"


def test_set_forces_drift_without_rules(api, sandbox):
    approved_contractor(api)
    created = api.create_permit(permit_payload()).data

    response = control(
        sandbox,
        f"permits/{PERMIT_REF}/set",
        {"status": "REVOKED", "validTill": "2020-01-01T00:00:00Z", "accessCode": "X"},
    )

    assert response.status_code == 200
    current = api.get_permit(created["_id"]).data
    assert (current["status"], current["validTill"], current["accessCode"]) == (3, "2020-01-01T00:00:00.000Z", "X")
    assert control(sandbox, f"permits/{PERMIT_REF}/set", {"flatId": "x"}).status_code == 400


# Control API


def test_reset_forgets_everything_but_communities(api, sandbox):
    approved_contractor(api)
    api.create_permit(permit_payload(), idempotency_key="k")

    assert control(sandbox, "reset").status_code == 200

    state = sandbox_state(sandbox)
    assert (state["contractors"], state["permits"], state["webhooks"]) == ([], [], [])
    assert len(state["communities"]) == 2
    assert control(sandbox, "stats", method="GET").json()["operations"] == {}
    assert api.create_contractor(contractor_payload()).status_code == 201


def test_communities_can_be_added_at_runtime(sandbox):
    body = {"apiKey": "fresh-key", "properties": [{"externalId": "T1", "flats": [{"externalId": "F1"}]}]}

    created = control(sandbox, "communities", body)

    assert created.status_code == 201
    community = created.json()
    assert re.fullmatch(r"[0-9a-f]{24}", community["communityId"])
    assert re.fullmatch(r"[0-9a-f]{24}", community["properties"][0]["flats"][0]["_id"])
    fresh = BuzzinClient(sandbox.url, "fresh-key")
    assert fresh.create_contractor(contractor_payload(5)).data["communitiesIds"] == [community["communityId"]]
    assert control(sandbox, "communities", {"properties": []}).status_code == 400


def test_config_is_validated_and_reported(sandbox):
    response = control(sandbox, "config", {"acceptDelay": 0.2, "autoApproveContractorsAfter": None})

    assert response.json()["acceptDelay"] == 0.2
    assert response.json()["webhookSecretSet"] is True
    assert control(sandbox, "config", {"acceptDelay": -1}).status_code == 400


def test_start_sandbox_refuses_unknown_options():
    with pytest.raises(TypeError):
        start_sandbox(accept_delai=1)


def test_cli_options_merge_config_file_and_flags(tmp_path: Path):
    config_file = tmp_path / "buzzin.json"
    config_file.write_text(json.dumps({"communities": [OTHER_COMMUNITY], "acceptDelay": 3, "webhookSecret": "file"}))
    args = parse_args(["--config-file", str(config_file), "--webhook-secret", "flag", "--auto-approve-after", "-1"])

    communities, options = build_options(args)

    assert communities == [OTHER_COMMUNITY]
    assert options == {"accept_delay": 3, "webhook_secret": "flag", "auto_approve_contractors_after": None}
    assert build_options(parse_args([]))[0] == [DEMO_COMMUNITY]


def test_latency_delays_every_api_call_side_by_side_but_not_the_control_api(sandbox, api):
    """The bench's partner stand-in: each API call waits ``latency`` seconds, concurrent calls in parallel."""
    assert control(sandbox, "config", {"latency": 0.2}).json()["latency"] == 0.2

    def call(_):
        with pytest.raises(NotFound):
            api.get_permit("unknown-permit-id")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(call, range(4)))
    assert 0.2 <= time.monotonic() - started < 0.7  # four calls of 0.2 s each, waiting side by side
    started = time.monotonic()
    sandbox_state(sandbox)
    assert time.monotonic() - started < 0.15
    assert control(sandbox, "config", {"latency": -1}).status_code == 400
    control(sandbox, "config", {"latency": 0})
    started = time.monotonic()
    with pytest.raises(NotFound):
        api.get_permit("unknown-permit-id")
    assert time.monotonic() - started < 0.15


def test_latency_from_the_command_line():
    _, options = build_options(parse_args(["--latency", "0.1"]))
    assert options["latency"] == 0.1
    assert "latency" not in build_options(parse_args([]))[1]
