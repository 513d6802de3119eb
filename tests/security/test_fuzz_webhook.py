"""The Buzz-In webhook endpoint under random bodies and headers: never a 500, nothing stored unless verified."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from portal.core.models import AuditEvent
from portal.integrations.buzzin.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    TOKEN_HEADER,
    current_time_ms,
    sign,
)
from portal.integrations.models import InboundEvent

from .conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/webhooks/buzzin/"
FUZZ = hsettings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=15,
)
envelopes = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "event": st.one_of(json_values, st.sampled_from(["passes.permits.issued", "passes.scans.created", "x" * 200])),
        "communityId": json_values,
        "createdAt": st.one_of(json_values, st.just("2026-13-45T99:99:99Z")),
        "data": json_values,
    },
)
bodies = st.one_of(
    st.binary(max_size=300),
    envelopes.map(lambda e: json.dumps(e).encode()),
    st.just(b"[" * 5000 + b"]" * 5000),
    st.just(b'{"id": "x", "event": "y", "data": ' + b'{"a":' * 3000 + b"1" + b"}" * 3000 + b"}"),
    st.just(b"\xff\xfe\x00\x01"),
)
header_text = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
    st.just("f" * 64),
    st.just("0" * 64),
    st.just("sha256=" + "a" * 64),
    st.just(str(current_time_ms())),
    st.just("-1"),
    st.just("99999999999999999999999999"),
    st.just(""),
)
headers = st.fixed_dictionaries(
    {},
    optional={
        SIGNATURE_HEADER: header_text,
        TIMESTAMP_HEADER: header_text,
        TOKEN_HEADER: header_text,
        EVENT_HEADER: header_text,
        DELIVERY_HEADER: header_text,
        "Content-Type": st.sampled_from(["application/json", "text/plain", "multipart/form-data", ""]),
        "Content-Length": st.sampled_from(["abc", "-5", "999999999"]),
    },
)


def counts():
    return InboundEvent.objects.count(), AuditEvent.objects.count()


def post(client, body: bytes, sent: dict):
    sent = dict(sent)
    content_type = sent.pop("Content-Type", "application/json")
    extra = {}
    if "Content-Length" in sent:
        extra["CONTENT_LENGTH"] = sent.pop("Content-Length")
    return client.generic("POST", URL, body, content_type=content_type, headers=sent, **extra)


@FUZZ
@given(body=bodies, sent=headers)
def test_unsigned_garbage_is_refused(db, body, sent):
    client = client_for()
    before = counts()
    response = post(client, body, sent)
    assert response.status_code < 500
    if sent.get(TOKEN_HEADER) != settings.BUZZIN_WEBHOOK_SECRET:
        assert 400 <= response.status_code < 500
        assert counts() == before


@FUZZ
@given(body=bodies, skew=st.sampled_from([0, 10_000, -3_600_000, 3_600_000]), garbage=header_text)
def test_valid_looking_signatures_with_garbage(db, body, skew, garbage):
    """Signed with the wrong secret, an old or future timestamp, or a signature over another body."""
    client = client_for()
    now = current_time_ms() + skew
    wrong = sign("not-the-secret", str(now), body)
    other = sign(settings.BUZZIN_WEBHOOK_SECRET, str(now), body + b" ")
    for signature, timestamp in [(wrong, str(now)), (other, str(now)), (garbage, str(now)), (wrong, garbage)]:
        before = counts()
        response = post(client, body, {SIGNATURE_HEADER: signature, TIMESTAMP_HEADER: timestamp})
        assert 400 <= response.status_code < 500, response.status_code
        assert counts() == before


@FUZZ
@given(body=bodies)
def test_correctly_signed_garbage_is_refused_or_stored_once(db, body):
    """A verified delivery of a body that is no envelope is a 400; an envelope is stored (once)."""
    client = client_for()
    now = str(current_time_ms())
    signature = sign(settings.BUZZIN_WEBHOOK_SECRET, now, body)
    before = counts()
    response = post(client, body, {SIGNATURE_HEADER: signature, TIMESTAMP_HEADER: now, EVENT_HEADER: "fuzz"})
    assert response.status_code < 500
    if response.status_code >= 400:
        assert counts() == before
    else:
        assert InboundEvent.objects.count() <= before[0] + 1


def test_other_methods_and_huge_bodies(db):
    client = client_for()
    before = counts()
    for method in ("GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"):
        assert client.generic(method, URL).status_code == 405
    response = client.generic("POST", URL, b"x" * (300 * 1024), content_type="application/json")
    assert response.status_code == 413
    assert counts() == before
