"""The bench's reference points do the same work as the portal's paths they are compared with."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from permits.models import NocVersion, Permit, PermitUnit, Vehicle, Worker
from portal.integrations.buzzin.signing import sign, signed_headers
from portal.integrations.models import InboundEvent
from tests.api.support import build_site, permit_body

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]
SECRET = "bench-test-secret-0123456789"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _body(site, salesforce_id: str) -> dict:
    body = permit_body(site, salesforcePermitId=salesforce_id)
    body["employees"] = [
        {"name": "Ravi Kumar", "idNumber": "784-1990-1234567-6", "phone": "+971501112233"},
        {"name": "Sami Aziz", "idNumber": "784199012345676", "phone": "0501112244"},
    ]
    body["vehicles"] = [{"plate": "DXB A 12345"}, {"plate": "shj-b-777"}]
    body["additionalFlatExternalIds"] = [site.units[1].external_id, site.units[2].external_id]
    noc = body["noc"]
    body["noc"] = {
        "type": "url",
        "url": "https://files.example.com/noc.pdf",
        "nocNumber": noc["nocNumber"],
        "issueDate": noc["issueDate"],
        "expiryDate": noc["expiryDate"],
    }
    return body


def _post(path: str, body: dict, raw_key: str):
    return Client().post(
        path, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw_key}"
    )


PERMIT_FIELDS = (
    "community_id",
    "contractor_id",
    "property_id",
    "main_unit_id",
    "permit_type",
    "valid_from",
    "valid_till",
    "time_in",
    "time_out",
    "representative_name",
    "representative_contact",
    "jobs_summary",
    "status",
    "source",
)


def _rows(permit: Permit) -> dict:
    return {
        "permit": {name: getattr(permit, name) for name in PERMIT_FIELDS},
        "units": sorted(PermitUnit.objects.filter(permit=permit).values_list("unit_id", flat=True)),
        "workers": list(Worker.objects.filter(permit=permit).order_by("id").values_list("name", "id_number", "phone")),
        "vehicles": list(
            Vehicle.objects.filter(permit=permit).order_by("position").values_list("plate", "position", "parking_state")
        ),
        "nocs": list(
            NocVersion.objects.filter(permit=permit).values_list(
                "version", "is_current", "noc_number", "issue_date", "expiry_date", "document_url", "uploaded_by_label"
            )
        ),
    }


def test_reference_create_stores_the_same_rows_as_the_portal():
    site = build_site("R")
    portal = _post("/api/v1/permits", _body(site, "a1BPORTAL000000001"), site.raw_key)
    reference = _post("/bench/api/v1/permits", _body(site, "a1BREFERENCE000001"), site.raw_key)
    assert portal.status_code == 201, portal.content
    assert reference.status_code == 201, reference.content
    ours = _rows(Permit.objects.get(crm_reference="a1BPORTAL000000001"))
    theirs = _rows(Permit.objects.get(crm_reference="a1BREFERENCE000001"))
    assert ours == theirs
    assert len(theirs["workers"]) == 2 and len(theirs["vehicles"]) == 2 and len(theirs["units"]) == 2
    assert reference.json()["_id"] == Permit.objects.get(crm_reference="a1BREFERENCE000001").reference


def test_reference_create_is_scoped_to_the_key_and_refuses_duplicates():
    site, other = build_site("S"), build_site("T")
    foreign = _body(site, "a1BFOREIGN00000001")
    foreign["propertyExternalId"] = other.property.external_id
    assert _post("/bench/api/v1/permits", foreign, site.raw_key).status_code == 400
    assert _post("/bench/api/v1/permits", _body(site, "a1BTWICE0000000001"), "wrong-key").status_code == 401
    assert _post("/bench/api/v1/permits", _body(site, "a1BTWICE0000000001"), site.raw_key).status_code == 201
    assert _post("/bench/api/v1/permits", _body(site, "a1BTWICE0000000001"), site.raw_key).status_code == 400
    assert Permit.objects.filter(crm_reference="a1BTWICE0000000001").count() == 1


def _envelope(event_id: str) -> bytes:
    moment = datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z")
    return json.dumps(
        {"id": event_id, "event": "passes.permits.scanned", "communityId": "c" * 24, "createdAt": moment, "data": {}}
    ).encode()


@override_settings(BUZZIN_WEBHOOK_SECRET=SECRET)
def test_reference_webhook_verifies_the_portal_signature_and_stores_one_row():
    body = _envelope("bench-ref-1")
    headers = signed_headers(SECRET, body, "passes.permits.scanned", "delivery-1")
    meta = {
        f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items() if name != "Content-Type"
    }
    answer = Client().post("/bench/webhooks/buzzin/", body, content_type="application/json", **meta)
    assert answer.status_code == 200, answer.content
    stored = InboundEvent.objects.get(event_id="bench-ref-1")
    assert stored.verification == "hmac" and stored.delivery_id == "delivery-1"
    assert stored.created_at_remote is not None

    forged = dict(meta)
    forged["HTTP_BUZZIN_SIGNATURE"] = sign("another-secret", meta["HTTP_BUZZIN_SIGNATURE_TIMESTAMP"], body)
    refused = Client().post(
        "/bench/webhooks/buzzin/", _envelope("bench-ref-2"), content_type="application/json", **forged
    )
    assert refused.status_code == 401
    assert not InboundEvent.objects.filter(event_id="bench-ref-2").exists()


def _plain_admin_page(client) -> tuple[int, int]:
    """Queries and rows of the plain admin's first page (after a warm-up request)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = "/bench/plain-admin/permits/permit/"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(response.context["cl"].result_list)


def test_plain_admin_reference_is_a_careful_one(django_user_model):
    """The changelist reference shows 50 rows a page, like the portal's, without a query per row
    (each permit here has its own community, tower, unit and contractor)."""
    from tests.factories import PermitFactory

    client = Client()
    client.force_login(django_user_model.objects.create_superuser("bench-root", "root@bench.example", "x"))
    PermitFactory.create_batch(3)
    few, rows = _plain_admin_page(client)
    assert rows == 3
    PermitFactory.create_batch(55)
    many, rows = _plain_admin_page(client)
    assert rows == 50
    assert many == few
