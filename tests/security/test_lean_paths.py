"""The lean middleware stack of /api/v1/ and /webhooks/: no sessions, users or messages there, while every
refusal, security header, the CSP, the request id and the API's languages stay as on every other path."""

from __future__ import annotations

import pytest
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.urls import reverse

from portal.core.lean_paths import on_lean_path
from portal.integrations.buzzin.signing import current_time_ms
from portal.integrations.models import InboundEvent
from tests.api.support import ApiClient, build_site, permit_body
from tests.webhooks import payloads
from tests.webhooks.conftest import post_webhook

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "X-Request-ID")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db):
    return build_site("L")


@pytest.fixture
def session_work(monkeypatch):
    """The paths on which the session and message middleware did their work."""
    paths: list[str] = []
    for middleware in (SessionMiddleware, MessageMiddleware):
        original = middleware.process_request

        def recorded(self, request, original=original):
            paths.append(request.path)
            return original(self, request)

        monkeypatch.setattr(middleware, "process_request", recorded)
    return paths


def assert_secured(response) -> None:
    for header in SECURITY_HEADERS:
        assert response.headers.get(header), f"{header} missing on {response.status_code}"
    assert "Set-Cookie" not in response.headers


def test_lean_prefixes_cover_the_api_and_webhooks_but_not_the_docs(rf):
    assert on_lean_path(rf.get("/api/v1/permits")) and on_lean_path(rf.post("/webhooks/buzzin/"))
    assert not on_lean_path(rf.get("/api/docs/")) and not on_lean_path(rf.get("/admin/"))


def test_machine_paths_skip_sessions_and_messages_pages_keep_them(client, site, session_work):
    api = ApiClient(site.raw_key)
    assert api.post("/permits", permit_body(site)).status == 201
    assert api.get("/permits/nope").status == 404
    post_webhook(client, reverse("integrations:buzzin-webhook"), None, raw=b"{}", secret="wrong")
    assert session_work == []

    client.get("/accounts/login/")
    assert session_work == ["/accounts/login/", "/accounts/login/"]


@pytest.mark.parametrize(
    ("change", "status"),
    [({"validTill": "2020-01-01T00:00:00.000Z"}, 400), ({"propertyExternalId": "TWR-NOPE"}, 404), ({}, 409)],
)
def test_api_refusals_on_the_lean_path_are_json_and_secured(site, change, status):
    api = ApiClient(site.raw_key)
    if status == 409:
        assert api.post("/permits", permit_body(site)).status == 201
    response = api.client.post(
        "/api/v1/permits",
        data=permit_body(site, **change),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {site.raw_key}",
    )
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json") and response.json()["message"]
    assert_secured(response)


def test_an_api_call_without_a_valid_key_is_401_on_the_lean_path(client, site):
    response = client.get("/api/v1/permits/x", HTTP_AUTHORIZATION="Bearer not-a-key")
    assert response.status_code == 401 and response.json()["code"] == 401
    assert_secured(response)


def test_the_api_answers_in_english_by_default_and_honours_accept_language(site):
    api = ApiClient(site.raw_key)
    english = api.get("/permits/nope")
    arabic = api.get("/permits/nope", HTTP_ACCEPT_LANGUAGE="ar")
    assert english.status == arabic.status == 404
    assert english.body["message"] == "Permit nope not found."
    assert arabic.body["message"] != english.body["message"] and "nope" in arabic.body["message"]
    assert arabic.headers.get("Content-Language") == "ar"


@pytest.fixture
def issued(db):
    from tests.factories import permit_in_status
    from tests.webhooks.conftest import with_buzzin_id

    permit = with_buzzin_id(permit_in_status("approved"))
    return payloads.permit_event("passes.permits.issued", permit, payloads.issued_data(permit))


@pytest.mark.parametrize(
    ("sign", "headers", "raw", "status"),
    [
        pytest.param({"secret": "not-the-secret"}, None, None, 401, id="bad signature"),
        pytest.param({"now_ms": current_time_ms() - 3_600_000}, None, None, 401, id="old timestamp"),
        pytest.param({}, {"buzzin-signature-timestamp": "١٧٠٠"}, None, 401, id="malformed timestamp"),
        pytest.param({}, {"buzzin-signature": "g" * 64}, None, 401, id="malformed signature"),
        pytest.param({}, None, b"[1, 2]", 400, id="not an envelope"),
    ],
)
def test_webhook_refusals_on_the_lean_path_are_json_and_secured(client, issued, sign, headers, raw, status):
    response = post_webhook(client, reverse("integrations:buzzin-webhook"), issued, raw=raw, headers=headers, **sign)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json" and response.json()["error"]
    assert_secured(response)
    assert not InboundEvent.objects.exists()
