"""``Authorization: Bearer <key>``: the key decides the community every request is confined to."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from portal.core.actors import Actor
from portal.core.models import ApiKey, Community

from .keys import api_key_authenticate
from .throttling import FailedAuthenticationThrottle


@dataclass(frozen=True)
class ApiClient:
    """``request.user`` of an API call: the system holding the key, not a person."""

    key: ApiKey
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    @property
    def community(self) -> Community:
        return self.key.community

    @property
    def actor(self) -> Actor:
        return Actor.api_key(self.key)

    def get_username(self) -> str:
        return self.actor.label

    def __str__(self) -> str:
        return self.actor.label


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    @sensitive_variables("header", "raw_key")
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        failures = FailedAuthenticationThrottle()
        failures.check(request)  # an address that guessed too often is refused before its key is looked at
        scheme, _space, raw_key = header.strip().partition(" ")
        raw_key = raw_key.strip()
        if scheme.lower() != self.keyword.lower() or not raw_key or " " in raw_key:
            failures.record_failure(request)
            raise AuthenticationFailed(_("Send the API key as the header 'Authorization: Bearer <key>'."))
        key = api_key_authenticate(raw_key)
        if key is None:
            failures.record_failure(request)
            raise AuthenticationFailed(_("The API key is not valid or has been revoked."))
        return ApiClient(key), key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
