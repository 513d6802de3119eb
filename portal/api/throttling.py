"""Requests per API key, and failed authentications per client address, counted in the default cache.

The cache must be shared by every web process (Redis, Memcached or the database cache) for the
limits to hold in production; the local-memory cache of development counts per process.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from portal.core.models import ApiKey

DEFAULT_RATE = "600/min"
DEFAULT_FAILURE_RATE = "10/min"


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_rate(self):
        return settings.API_RATE_LIMIT or DEFAULT_RATE

    def allow_request(self, request, view):
        # The rate is read per request so that a changed setting (or a test's override) applies at once.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class FailedAuthenticationsThrottled(Throttled):
    """The client address sent too many wrong keys or malformed Authorization headers lately."""


class FailedAuthenticationThrottle(SimpleRateThrottle):
    """At most ``API_AUTH_FAILURE_RATE`` failed authentications per client address and window (fixed windows).

    An address over the limit is refused (429 with Retry-After) until its window ends, whatever key it
    sends: guessing keys must not go on at the speed of the server. The address is the one DRF's throttles
    use (``get_ident``): ``REMOTE_ADDR``, or with ``PROXY_COUNT`` proxies in front, the entry of
    ``X-Forwarded-For`` the nearest trusted proxy saw. Not a view throttle: the authentication calls it.
    """

    scope = "api_auth_failures"

    def get_rate(self):
        return settings.API_AUTH_FAILURE_RATE or DEFAULT_FAILURE_RATE

    def check(self, request) -> None:
        window, key = self._window(request)
        if (cache.get(key) or 0) >= self.num_requests:
            raise FailedAuthenticationsThrottled(wait=max(1.0, (window + 1) * self.duration - time.time()))

    def record_failure(self, request) -> None:
        _, key = self._window(request)
        if cache.add(key, 1, timeout=self.duration + 1):
            return
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, timeout=self.duration + 1)

    def _window(self, request) -> tuple[int, str]:
        window = int(time.time() // self.duration)
        ident = f"{self.get_ident(request)}_{window}"
        return window, self.cache_format % {"scope": self.scope, "ident": ident}
