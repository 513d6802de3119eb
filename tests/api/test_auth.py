"""Keys: hashed, per community, 401 for anything but a live key, last use recorded cheaply, rate-limited."""

from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from django.utils import timezone

from portal.api.keys import api_key_authenticate, api_key_create, api_key_revoke
from portal.core.actors import Actor
from portal.core.models import ApiKey, AuditEvent

from .support import ApiClient

pytestmark = pytest.mark.django_db


def test_a_key_is_stored_as_a_hash_with_a_prefix(site):
    key = ApiKey.objects.get(pk=site.key.pk)
    assert key.key_hash == hashlib.sha256(site.raw_key.encode()).hexdigest()
    assert key.prefix == site.raw_key[:12] and site.raw_key not in {key.prefix, key.key_hash, key.name}
    assert api_key_authenticate(site.raw_key) == key
    assert api_key_authenticate(site.raw_key + "x") is None
    assert api_key_authenticate("") is None and api_key_authenticate("x" * 10_000) is None


def test_a_given_raw_key_is_kept(site):
    actor = Actor.system("t")
    key, raw = api_key_create(actor=actor, community=site.community, name="Fixed", raw_key="demo-key-123456789")
    assert raw == "demo-key-123456789" and api_key_authenticate(raw) == key
    assert AuditEvent.objects.filter(action="api.key.created", target_id=str(key.pk)).exists()


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "Bearer two words",
        "Bearer ppk_unknown_key_000000000000",
        "Bearer " + "x" * 5000,
    ],
)
def test_missing_or_malformed_authorization_is_401(site, header):
    client = ApiClient(None)
    headers = {} if header is None else {"HTTP_AUTHORIZATION": header}
    for response in (
        client.post("/permits", {}, **headers),
        client.get("/permits/anything", **headers),
        client.patch("/passes/anything", {"action": "submit"}, **headers),
        client.patch("/communityContractors/anything", {"action": "revoke"}, **headers),
        client.post("/communityContractors", {}, **headers),
    ):
        assert response.status == 401, response.body
        assert response.body["name"] == "Unauthorized" and response.body["code"] == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_is_401_at_once(api, site, created_permit):
    api_key_revoke(actor=Actor.system("t"), key=site.key)
    response = api.get(f"/permits/{created_permit['_id']}")
    assert response.status == 401
    assert response.body["message"] == "The API key is not valid or has been revoked."
    assert AuditEvent.objects.filter(action="api.key.revoked").count() == 1
    api_key_revoke(actor=Actor.system("t"), key=site.key)
    assert AuditEvent.objects.filter(action="api.key.revoked").count() == 1


def test_last_used_is_written_at_most_once_a_minute(api, site):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api.get("/permits/x")
        first = ApiKey.objects.get(pk=site.key.pk).last_used_at
        assert first == start
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        api.get("/permits/x")
        assert ApiKey.objects.get(pk=site.key.pk).last_used_at == first
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        api.get("/permits/x")
        assert ApiKey.objects.get(pk=site.key.pk).last_used_at == start + datetime.timedelta(seconds=61)


def test_each_key_is_rate_limited_with_429_and_retry_after(api, site, other_site, settings):
    settings.API_RATE_LIMIT = "3/min"
    for _ in range(3):
        assert api.get("/permits/x").status == 404
    response = api.get("/permits/x")
    assert response.status == 429
    assert response.body["name"] == "TooManyRequests" and response.body["code"] == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert ApiClient(other_site.raw_key).get("/permits/x").status == 404  # another key has its own budget
