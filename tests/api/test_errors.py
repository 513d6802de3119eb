"""Every error in the contract's shape, and never a 500 for bad input."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from permits.models import Permit

from .support import permit_body

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, name: str) -> None:
    assert response.status == status, response.body
    assert response.body["name"] == name and response.body["code"] == status
    assert isinstance(response.body["message"], str) and response.body["message"]


@pytest.mark.parametrize(
    "raw",
    [
        "{",
        "{'single': 'quotes'}",
        '{"validFrom": NaN}',
        "[" * 100_000 + "]" * 100_000,
        '"just a string"',
        "[1, 2, 3]",
        "12",
        "null",
        b"\xff\xfe\x00binary",
    ],
)
def test_broken_or_non_object_json_is_400(api, created_permit, raw):
    for method, path in (
        ("POST", "/permits"),
        ("PATCH", f"/permits/{created_permit['_id']}"),
        ("PATCH", f"/passes/{created_permit['_id']}"),
        ("POST", "/communityContractors"),
        ("PATCH", "/communityContractors/x"),
    ):
        response = api.call(method, path, raw=raw)
        assert response.status in (400, 404), (method, path, response.body)
        assert_error(response, response.status, "BadRequest" if response.status == 400 else "NotFound")


@pytest.mark.parametrize(
    "change",
    [
        {"validFrom": 20260701},
        {"validTill": ["2027-01-01T00:00:00Z"]},
        {"employees": "Ravi"},
        {"employees": [1, 2]},
        {"employees": [{"name": {"first": "R"}, "idNumber": 1}]},
        {"vehicles": [{"plate": None}]},
        {"noc": "https://files.example.com/noc.pdf"},
        {"noc": {"type": "ftp", "url": "ftp://x"}},
        {"noc": {"type": "url", "url": "javascript:alert(1)", "nocNumber": "1", "issueDate": "2027-01-01"}},
        {"jobsSummary": "x" * 1_000_000},
        {"representativeName": "nul\x00byte"},
        {"representativeName": "\ud800 lone surrogate"},
        {"salesforcePermitId": "x" * 19},
        {"flatExternalId": "x" * 65},
        {"additionalFlatExternalIds": ["U"] * 51},
        {"timeIn": True},
        {"permitType": "party"},
        {"noc": {"type": "base64", "data": "%%%", "nocNumber": "1", "issueDate": "2027-01-01", "expiryDate": "2028"}},
    ],
)
def test_wrong_types_and_huge_values_are_400(api, site, change):
    response = api.post("/permits", permit_body(site, **change))
    assert_error(response, 400, "BadRequest")
    assert not Permit.objects.exists()


def test_a_body_over_the_upload_limit_is_400(api, site, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = api.post("/permits", permit_body(site, jobsSummary="x" * 20_000))
    assert_error(response, 400, "BadRequest")


def test_odd_content_type_and_accept_headers_still_speak_json(api, site):
    body = json.dumps(permit_body(site))
    response = api.client.post(
        "/api/v1/permits",
        data=body,
        content_type="text/plain",
        HTTP_ACCEPT="text/html",
        HTTP_AUTHORIZATION=f"Bearer {site.raw_key}",
    )
    assert response.status_code == 201 and response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/api/", "/api/v1/"])
def test_the_api_roots_open_the_reference(path):
    """A person following the printed URL lands on the API's documentation, not on a 404."""
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"] == "/api/docs/"


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v2/permits", "/api/v1/permits/"])
def test_unknown_routes_under_api_are_json_404(path):
    response = Client().get(path)
    assert response.status_code == 404
    assert response.json() == {"name": "NotFound", "message": f"No endpoint at {path}.", "code": 404}


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/permits"), ("DELETE", "/permits/x"), ("PUT", "/passes/x"), ("GET", "/communityContractors")],
)
def test_a_wrong_method_is_405_in_the_same_shape(api, method, path):
    response = api.call(method, path)
    assert_error(response, 405, "MethodNotAllowed")


@pytest.mark.parametrize("permit_id", ["%00", "x" * 5000, "%F0%9F%92%A9", "a%2Fb"])
def test_odd_ids_in_the_path_are_404(api, permit_id):
    assert_error(api.get(f"/permits/{permit_id}"), 404, "NotFound")


def test_an_unexpected_failure_is_a_500_in_the_same_shape(api, created_permit, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("portal.api.views.passes.permit_submit", broken)
    response = api.patch(f"/passes/{created_permit['_id']}", {"action": "submit"})
    assert_error(response, 500, "InternalServerError")
    assert "boom" not in response.body["message"]
