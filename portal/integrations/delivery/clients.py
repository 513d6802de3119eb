"""Partner clients, one per (URL, credentials) and process, each with its own pooled session."""

from __future__ import annotations

import hashlib
import threading

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from portal.core.models import Community
from portal.integrations.buzzin.client import BuzzinClient
from portal.integrations.http import Secret
from portal.integrations.opscom.client import OpscomClient

_lock = threading.Lock()
_clients: dict[tuple, BuzzinClient | OpscomClient] = {}


@sensitive_variables()
def buzzin_api_key_for(community: Community) -> str:
    """The community's own Buzz-In key, else the portal-wide fallback."""
    return community.buzzin_api_key or settings.BUZZIN_API_KEY


def buzzin_community_id(community: Community) -> str:
    """The community's Buzz-In id; without one, the stable id the sandbox knows it by (as ``portal.api.ids``)."""
    derived = hashlib.sha1(f"community:{community.pk}".encode(), usedforsecurity=False).hexdigest()[:24]
    return community.buzzin_community_id or derived


@sensitive_variables()
def buzzin_client(community: Community) -> BuzzinClient:
    """Buzz-In keys are scoped to one community: the client speaks with that community's key."""
    url, key, timeout = settings.BUZZIN_API_URL, buzzin_api_key_for(community), settings.BUZZIN_TIMEOUT_SECONDS
    return _cached(("buzzin", url, key, timeout), lambda: BuzzinClient(url, key, timeout=timeout))


@sensitive_variables()
def opscom_client() -> OpscomClient:
    url, code, token = settings.OPSCOM_API_URL, settings.OPSCOM_CLIENT_CODE, settings.OPSCOM_API_TOKEN
    timeout = settings.OPSCOM_TIMEOUT_SECONDS
    return _cached(
        ("opscom", url, code, token, timeout), lambda: OpscomClient(url, code, Secret(token), timeout=timeout)
    )


@sensitive_variables()  # the cache key holds the credentials
def _cached(key: tuple, build):
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = build()
        return client


def clients_clear() -> None:
    """Forget every client (tests pointing settings at new sandboxes do not need it: the key changes)."""
    with _lock:
        _clients.clear()
