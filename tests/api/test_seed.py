"""seed_demo gives each demo community an API key, once; DEMO_API_KEY fixes the first one's key.

With that key, the contract's own example (with future dates) is answered 201 with the contract's body.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from permits.models import Permit
from portal.api import ids
from portal.core.models import ApiKey, Unit

from .support import ApiClient, iso

pytestmark = pytest.mark.django_db

DEMO_KEY = "demo-crm-key-0123456789"


@pytest.fixture
def seeded(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    settings.DEMO_PASSWORD = "demo-pass-123"
    settings.DEMO_API_KEY = DEMO_KEY

    def run() -> str:
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        return out.getvalue()

    return run


def test_seed_prints_one_key_per_community_and_reruns_create_none(seeded, settings):
    first = seeded()
    assert f"DAMAC Hills    {DEMO_KEY}" in first
    keys = {key.community.slug: key for key in ApiKey.objects.filter(revoked_at__isnull=True)}
    assert set(keys) == {"damac-hills", "palm-gardens"}
    assert seeded() == first
    assert ApiKey.objects.count() == 2
    settings.DEMO_API_KEY = ""
    rotated = seeded()
    assert DEMO_KEY not in rotated
    assert ApiKey.objects.filter(revoked_at__isnull=True).count() == 2 and ApiKey.objects.count() == 3
    assert seeded() == rotated


def test_the_contracts_create_example_with_future_dates(seeded):
    seeded()
    start = timezone.now().astimezone(datetime.UTC).replace(hour=6, minute=0, second=0, microsecond=0)
    valid_from = start + datetime.timedelta(days=30)
    valid_till = (valid_from + datetime.timedelta(days=30)).replace(hour=14)
    body = {
        "salesforcePermitId": "a1B5g000000XYZWEAW",
        "contractorSalesforceId": "a0B5g000000ABCDEAW",
        "propertyExternalId": "DAMAC-TWR-07",
        "flatExternalId": "UNIT-0712",
        "validFrom": iso(valid_from),
        "validTill": iso(valid_till),
        "jobsSummary": "Full interior fit-out of unit 0712.",
        "noc": {
            "type": "url",
            "url": "https://files.example.com/noc-12345.pdf",
            "nocNumber": "NOC-12345",
            "issueDate": (start - datetime.timedelta(days=11)).date().isoformat(),
            "expiryDate": (valid_till + datetime.timedelta(days=20)).date().isoformat(),
        },
    }
    response = ApiClient(DEMO_KEY).post("/permits", body)
    assert response.status == 201, response.body
    permit = Permit.objects.get(crm_reference="a1B5g000000XYZWEAW")
    assert response.body == {
        "_id": permit.reference,
        "status": 10,
        "communityContractorId": "a0B5g000000ABCDEAW",
        "propertyId": "66e0000000000000000000a1",
        "flatId": ids.unit_id(Unit.objects.get(external_id="UNIT-0712")),
        "validFrom": iso(valid_from),
        "validTill": iso(valid_till),
        "integrations": {
            "damac": {
                "salesforceId": "a1B5g000000XYZWEAW",
                "noc": {"document": {"publicUrl": "https://files.example.com/noc-12345.pdf"}, "nocNumber": "NOC-12345"},
            }
        },
    }
    assert ApiClient(DEMO_KEY).post("/permits", body).status == 409
