"""How the portal reaches OPS-COM: one tenant (client code and token) for the whole estate."""

from __future__ import annotations

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from ..clients import cached_client
from ..delivery.policy import partner_timeout
from ..http import Secret
from .client import OpscomClient


@sensitive_variables()
def opscom_client() -> OpscomClient:
    url, code, token = settings.OPSCOM_API_URL, settings.OPSCOM_CLIENT_CODE, settings.OPSCOM_API_TOKEN
    timeout = partner_timeout(settings.OPSCOM_TIMEOUT_SECONDS)
    return cached_client(
        ("opscom", url, code, token, timeout), lambda: OpscomClient(url, code, Secret(token), timeout=timeout)
    )
