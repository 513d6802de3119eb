"""How the portal reaches one community's Buzz-In: its key (each community has its own) and the client."""

from __future__ import annotations

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from portal.core.models import Community

from ..clients import cached_client
from ..delivery.policy import partner_timeout
from .client import BuzzinClient
from .models import BuzzinCommunity


def buzzin_settings(community: Community) -> BuzzinCommunity:
    """The community's Buzz-In row (an unsaved empty one when none was set up)."""
    try:
        return community.buzzin
    except BuzzinCommunity.DoesNotExist:
        return BuzzinCommunity(community=community)


@sensitive_variables()
def buzzin_api_key_for(community: Community) -> str:
    key = buzzin_settings(community).api_key
    return key or settings.BUZZIN_API_KEY


@sensitive_variables()
def buzzin_client(community: Community) -> BuzzinClient:
    """Buzz-In keys are scoped to one community: the client speaks with that community's key."""
    url, key = settings.BUZZIN_API_URL, buzzin_api_key_for(community)
    timeout = partner_timeout(settings.BUZZIN_TIMEOUT_SECONDS)
    return cached_client(("buzzin", url, key, timeout), lambda: BuzzinClient(url, key, timeout=timeout))
