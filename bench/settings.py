"""Bench-only settings: the product's settings plus a bare view to compare against (see ``bench.urls``)."""

from portal.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
