"""An error report (Django's ExceptionReporter, DEBUG off) of a function holding a secret never shows it:
the partner clients' credentials and the API keys. The webhook secret: tests/webhooks/test_authenticity.py."""

from __future__ import annotations

import datetime

import pytest
from django.test import RequestFactory

from portal.api import keys
from portal.api.authentication import ApiKeyAuthentication
from portal.core.actors import Actor
from portal.integrations.buzzin import connection
from portal.integrations.buzzin.client import BuzzinClient
from portal.integrations.opscom.client import OpscomClient
from tests.factories import CommunityFactory
from tests.tracebacks import a_secret, frames_below_the_test, shown


class ExplodingSession:
    """A requests session whose call fails deep inside, as a bug in a library would."""

    def request(self, *args, **kwargs):
        raise RuntimeError("the transport failed")


class ExplodingHashlib:
    @staticmethod
    def sha256(*args, **kwargs):
        raise RuntimeError("hashing failed")


def function_names(frames) -> set[str]:
    return {frame["function"] for frame in frames}


def test_buzzin_client_call():
    api_key = a_secret("buzzin-key")
    client = BuzzinClient("http://127.0.0.1:9", api_key, session=ExplodingSession())

    frames = frames_below_the_test(lambda: client.create_permit({"salesforcePermitId": "a1P"}))

    assert {"_call", "send", "request"} <= function_names(frames)
    assert api_key not in shown(frames)


def test_opscom_client_call():
    token = a_secret("opscom-token")
    client = OpscomClient("http://127.0.0.1:9", "OC-1", token, session=ExplodingSession())
    end = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)

    frames = frames_below_the_test(
        lambda: client.push_permit(plate="A 12345", start=None, end=end, zone="ZONE-A", permit_no="a1P")
    )

    assert {"_post", "send", "request"} <= function_names(frames)
    assert token not in shown(frames)


@pytest.mark.django_db
def test_building_a_buzzin_client_for_a_community(monkeypatch):
    community = CommunityFactory(buzzin__api_key=a_secret("community-key"))

    def explode(*args, **kwargs):
        raise RuntimeError("cannot build the client")

    monkeypatch.setattr(connection, "BuzzinClient", explode)
    frames = frames_below_the_test(lambda: connection.buzzin_client(community))

    assert {"buzzin_client", "cached_client"} <= function_names(frames)
    assert community.buzzin.api_key not in shown(frames)


@pytest.mark.django_db
def test_api_key_authentication(monkeypatch):
    raw_key = a_secret("ppk")
    request = RequestFactory().get("/api/v1/permits", headers={"Authorization": f"Bearer {raw_key}"})
    monkeypatch.setattr(keys, "hashlib", ExplodingHashlib)

    frames = frames_below_the_test(lambda: ApiKeyAuthentication().authenticate(request), request=request)

    assert {"authenticate", "api_key_authenticate", "hash_key"} <= function_names(frames)
    assert raw_key not in shown(frames)


@pytest.mark.django_db
def test_api_key_creation(monkeypatch):
    raw_key = a_secret("ppk")
    community = CommunityFactory()

    def explode(*args, **kwargs):
        raise RuntimeError("the audit failed")

    monkeypatch.setattr(keys, "event_record", explode)
    frames = frames_below_the_test(
        lambda: keys.api_key_create(actor=Actor.system("test"), community=community, name="CRM", raw_key=raw_key)
    )

    assert "api_key_create" in function_names(frames)
    assert raw_key not in shown(frames)
