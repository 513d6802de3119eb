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


# --- failed authentications per client address -------------------------------------------------------------

WRONG = {"HTTP_AUTHORIZATION": "Bearer ppk_wrong_key_00000000000000"}


def test_failed_authentications_are_throttled_per_address(api, site, settings):
    settings.API_AUTH_FAILURE_RATE = "3/min"
    guesser = ApiClient(None)
    for _ in range(3):
        assert guesser.get("/permits/x", **WRONG).status == 401
    refused = guesser.get("/permits/x", **WRONG)

    assert refused.status == 429
    assert refused.body == {
        "name": "TooManyRequests",
        "message": refused.body["message"],
        "code": 429,
    }
    assert refused.body["message"].startswith("Too many failed authentications from this address; retry in ")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # The address is refused whatever it sends now, even a good key; another address is not.
    assert api.get("/permits/x").status == 429
    assert api.get("/permits/x", REMOTE_ADDR="198.51.100.7").status == 404
    assert guesser.get("/permits/x", REMOTE_ADDR="198.51.100.7", **WRONG).status == 401


def test_malformed_headers_count_as_failures_and_a_missing_one_does_not(site, settings):
    settings.API_AUTH_FAILURE_RATE = "2/min"
    client = ApiClient(None)
    for _ in range(5):
        assert client.get("/permits/x").status == 401  # no credentials at all: nothing guessed
    assert client.get("/permits/x", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").status == 401
    assert client.get("/permits/x", HTTP_AUTHORIZATION="Bearer two words").status == 401
    assert client.get("/permits/x", **WRONG).status == 429


def test_the_address_may_try_again_in_the_next_window(api, settings):
    settings.API_AUTH_FAILURE_RATE = "2/min"
    guesser = ApiClient(None)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        guesser.get("/permits/x", **WRONG)
        guesser.get("/permits/x", **WRONG)
        assert api.get("/permits/x").status == 429
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert api.get("/permits/x").status == 404


def test_behind_proxies_the_address_is_the_one_the_nearest_proxy_saw(api, settings):
    settings.API_AUTH_FAILURE_RATE = "2/min"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    guesser = ApiClient(None)
    proxied = {"REMOTE_ADDR": "10.0.0.1"}  # every request comes through the same proxy
    for _ in range(2):
        guesser.get("/permits/x", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxied, **WRONG)

    assert guesser.get("/permits/x", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxied, **WRONG).status == 429
    # A spoofed first entry does not change the address the proxy appended.
    spoofed = "1.2.3.4, 203.0.113.9"
    assert api.get("/permits/x", HTTP_X_FORWARDED_FOR=spoofed, **proxied).status == 429
    assert api.get("/permits/x", HTTP_X_FORWARDED_FOR="198.51.100.20", **proxied).status == 404
