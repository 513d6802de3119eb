"""Requests per API key, counted in the default cache.

The cache must be shared by every web process (Redis, Memcached or the database cache) for the
limit to hold in production; the local-memory cache of development counts per process.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from portal.core.models import ApiKey

DEFAULT_RATE = "600/min"


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
