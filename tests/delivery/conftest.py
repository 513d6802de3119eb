"""Delivery tests: scripted partner stubs for the unit tests, the two sandboxes for the loopback ones.

``drain_outbox()`` (in ``tests.delivery.drain``, re-exported here) plays the worker without a broker.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from portal.integrations.buzzin import subscriber as buzzin_subscriber
from portal.integrations.http import CallRecord, PartnerError, PartnerResult
from portal.integrations.opscom import subscriber as opscom_subscriber
from sandboxes.buzzin import start_sandbox as start_buzzin
from sandboxes.catalogue import buzzin_sandbox_communities
from sandboxes.opscom import start_sandbox as start_opscom

from .drain import drain_outbox, moving_rows, open_rows

__all__ = ["drain_outbox", "moving_rows", "open_rows"]

OPSCOM_CLIENT = "OC-DELIVERY"
OPSCOM_TOKEN = "opscom-token-delivery-4f1c9e2a"
ZONES = ["ZONE-A", "ZONE-B", "VISITOR"]


@pytest.fixture(autouse=True)
def _delivery_settings(settings):
    """Fast, deterministic retries; no broker."""
    settings.OUTBOX_DISPATCH = False
    settings.DELIVERY_MAX_ATTEMPTS = 4
    settings.DELIVERY_BACKOFF_BASE_SECONDS = 0.0
    settings.DELIVERY_BACKOFF_MAX_SECONDS = 0.0
    settings.DELIVERY_RELAY_GRACE_SECONDS = 0
    settings.BUZZIN_API_KEY = ""
    settings.OPSCOM_CLIENT_CODE = OPSCOM_CLIENT
    settings.OPSCOM_API_TOKEN = OPSCOM_TOKEN


# --- scripted stubs -----------------------------------------------------------------------


def call_record(method: str = "POST", path: str = "/x", status: int | None = 200, error: str = "") -> CallRecord:
    return CallRecord(
        method=method,
        url=f"http://partner.test{path}",
        request_summary=f"{method} {path}",
        status_code=status,
        response_excerpt="{}",
        duration_ms=3,
        error=error,
    )


def ok(data: dict | None = None, status: int = 200) -> PartnerResult:
    return PartnerResult(data=data or {}, call=call_record(status=status), status_code=status)


def fail(error_class: type[PartnerError], message: str, status: int | None = None, **kwargs) -> PartnerError:
    call = call_record(status=status, error=f"{error_class.kind}: {message}")
    return error_class(message, call=call, status_code=status, **kwargs)


@dataclass
class ScriptedClient:
    """Each method answers from its script, in order; every call is remembered with its arguments."""

    script: dict[str, list[Any]] = field(default_factory=dict)
    calls: list[tuple[str, tuple, dict]] = field(default_factory=list)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)

        def method(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            answers = self.script.get(name)
            if not answers:
                raise AssertionError(f"unexpected call {name}{args}")
            answer = answers.pop(0)
            if isinstance(answer, BaseException):
                raise answer
            return answer

        return method

    def names(self) -> list[str]:
        return [name for name, _, _ in self.calls]


@pytest.fixture
def buzzin_stub(monkeypatch) -> ScriptedClient:
    stub = ScriptedClient()
    monkeypatch.setattr(buzzin_subscriber, "buzzin_client", lambda community: stub)
    return stub


@pytest.fixture
def opscom_stub(monkeypatch) -> ScriptedClient:
    stub = ScriptedClient()
    monkeypatch.setattr(opscom_subscriber, "opscom_client", lambda: stub)
    return stub


# --- sandboxes on loopback -----------------------------------------------------------------


@dataclass
class Sandboxes:
    buzzin: Any
    opscom: Any
    http: requests.Session = field(default_factory=requests.Session)

    def get(self, which: str, path: str) -> dict:
        return self.http.get(f"{getattr(self, which).url}/_sandbox/{path}", timeout=5).json()

    def post(self, which: str, path: str, body: dict | None = None) -> dict:
        response = self.http.post(f"{getattr(self, which).url}/_sandbox/{path}", json=body or {}, timeout=5)
        response.raise_for_status()
        return response.json()

    def sync_catalogue(self) -> None:
        """Buzz-In knows the communities' towers and flats; the sandbox learns them from the portal."""
        for community in buzzin_sandbox_communities():
            self.post("buzzin", "communities", community)

    def buzzin_permit(self, reference: str) -> dict | None:
        return next((p for p in self.get("buzzin", "state")["permits"] if p["salesforcePermitId"] == reference), None)


@pytest.fixture(scope="session")
def _sandbox_servers() -> Iterator[tuple[Any, Any]]:
    buzzin = start_buzzin(accept_delay=0.2, auto_approve_contractors_after=0.1, webhook_url=None)
    opscom = start_opscom(client_code=OPSCOM_CLIENT, api_token=OPSCOM_TOKEN, zones=ZONES)
    yield buzzin, opscom
    buzzin.stop()
    opscom.stop()


@pytest.fixture
def sandboxes(_sandbox_servers, settings) -> Sandboxes:
    buzzin, opscom = _sandbox_servers
    boxes = Sandboxes(buzzin=buzzin, opscom=opscom)
    boxes.post("buzzin", "reset")
    boxes.post("opscom", "reset")
    settings.BUZZIN_API_URL = buzzin.url
    settings.OPSCOM_API_URL = opscom.url
    settings.DELIVERY_MAX_ATTEMPTS = 30
    settings.DELIVERY_BACKOFF_BASE_SECONDS = 0.05
    settings.DELIVERY_BACKOFF_MAX_SECONDS = 0.4
    return boxes
