"""Property-based run over the whole OpenAPI schema, through the WSGI app, with a seeded community's key.

Every operation gets a bounded number of generated requests (valid and invalid bodies, odd ids); the
API must never answer 5xx, only answer documented status codes, and every answer must match the schema.
"""

from __future__ import annotations

import io
import zlib

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from contractors.models import Contractor
from permits.models import Permit
from portal.core.models import Community

DEMO_KEY = "schemathesis-demo-key-0123456789"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
# Ids of the seeded community's permits and contractors: valid requests also reach real records.
KNOWN_IDS: list[str] = []


@schema.hook
def map_case(context, case):
    """A valid request's random path id becomes, most of the time, the id of a seeded record."""
    id_parameter = (case.path_parameters or {}).get("id")
    if id_parameter is None or not KNOWN_IDS or case.meta is None or case.meta.generation.mode.is_negative:
        return case
    choice = zlib.crc32(repr(case.body).encode()) % (len(KNOWN_IDS) + 1)
    if choice < len(KNOWN_IDS):
        case.path_parameters = {**case.path_parameters, "id": KNOWN_IDS[choice]}
    return case


@pytest.fixture
def seeded_community(db, settings, tmp_path):
    """The demo data, with DEMO_KEY as the first community's key."""
    settings.BASE_DIR = tmp_path
    settings.DEMO_PASSWORD = "demo-pass-123"
    settings.DEMO_API_KEY = DEMO_KEY
    settings.API_RATE_LIMIT = "100000/min"
    call_command("seed_demo", stdout=io.StringIO())
    community = Community.objects.get(slug="damac-hills")
    KNOWN_IDS[:] = [
        *Permit.objects.filter(community=community).values_list("reference", flat=True),
        *Contractor.objects.filter(memberships__community=community).values_list("reference", flat=True),
    ]
    # As Django's test client does: a request's start and end must not close the test's transaction.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_honours_its_schema(case, seeded_community):
    case.call_and_validate(headers={"Authorization": f"Bearer {DEMO_KEY}"}, checks=CHECKS)
