"""Lockout after five failures per account and address, and an audit trail of every attempt."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from portal.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.implementation = None  # pick up the setting
    yield
    AxesProxyHandler.implementation = None


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_sixth_attempt_is_locked_even_with_the_right_password(axes_on):
    UserFactory(username="pm", is_staff=True)
    client = Client()
    for _ in range(5):
        attempt(client, "pm", "wrong-password")
    response = attempt(client, "pm", "pass-word-123")
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    actions = list(AuditEvent.objects.filter(target_type="user").values_list("action", flat=True))
    assert actions.count("auth.sign_in_failed") >= 5
    assert "auth.locked_out" in actions
    assert "auth.signed_in" not in actions


def test_lockout_is_per_account_and_address(axes_on):
    UserFactory(username="pm", is_staff=True)
    client = Client()
    for _ in range(5):
        attempt(client, "pm", "wrong-password", ip="10.0.0.1")
    response = attempt(Client(), "pm", "pass-word-123", ip="10.0.0.2")
    assert response.status_code == 302


def test_successful_sign_in_is_audited_without_the_password(axes_on):
    user = UserFactory(username="pm", is_staff=True)
    attempt(Client(), "pm", "not-this-one")
    attempt(Client(), "pm", "pass-word-123")
    events = AuditEvent.objects.filter(target_type="user").order_by("id")
    assert [e.action for e in events] == ["auth.sign_in_failed", "auth.signed_in"]
    assert events.last().actor == user
    assert not any("not-this-one" in str(e.data) or "not-this-one" in e.actor_label for e in events)


def test_an_active_session_is_refreshed_at_most_once_a_minute(client, settings):
    from django.contrib.sessions.models import Session

    client.force_login(UserFactory(username="pm", is_staff=True))
    client.get("/admin/")
    first = Session.objects.get().expire_date
    client.get("/admin/")
    assert Session.objects.get().expire_date == first  # no write within the minute
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        client.get("/admin/")
        assert Session.objects.get().expire_date > first


def test_an_idle_session_has_expired(client):
    client.force_login(UserFactory(username="pm", is_staff=True))
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3601)):
        response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_pages_carry_a_csp_without_inline_scripts_and_a_request_id(client):
    response = client.get("/admin/login/", HTTP_X_REQUEST_ID="abc12345-req")
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert response["X-Request-ID"] == "abc12345-req"
    assert response["X-Content-Type-Options"] == "nosniff"
