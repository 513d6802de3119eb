"""Bench-only settings: the product's settings plus a bare view to compare against (see ``bench.urls``)."""

from portal.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The references of the API and the webhook run on the same lean middleware stack as the portal's paths
# (a fair comparison); the bare view too. The plain admin keeps the full stack, like the portal's admin.
LEAN_PATH_PREFIXES = [*LEAN_PATH_PREFIXES, "/bench/api/", "/bench/webhooks/", "/bench/bare/"]  # noqa: F405
