"""A community with a property, flats, an approved contractor and an API key; a client that sends the key."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from .support import ApiClient, Site, build_site, permit_body


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache, keyed by key id: no test inherits another's count."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db) -> Site:
    return build_site("A")


@pytest.fixture
def other_site(db) -> Site:
    return build_site("B")


@pytest.fixture
def api(site) -> ApiClient:
    return ApiClient(site.raw_key)


@pytest.fixture
def created_permit(api, site):
    """A complete DRAFT created through the API; returns its answer body."""
    response = api.post("/permits", permit_body(site))
    assert response.status == 201, response.body
    return response.body
