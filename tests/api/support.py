"""Helpers of the API tests: a client that sends the key like a CRM, sites (community, property, flats,
approved contractor, key), the contract's permit body with future dates."""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone

from contractors.choices import MembershipStatus
from portal.api.keys import api_key_create
from portal.core.actors import Actor
from tests.factories import (
    PDF_BYTES,
    CommunityFactory,
    ContractorFactory,
    MembershipFactory,
    PropertyFactory,
    UnitFactory,
)


def iso(moment: datetime.datetime) -> str:
    moment = moment.astimezone(datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def days_ahead(days: int, hour: int = 6) -> datetime.datetime:
    today = timezone.now().astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    return (today + datetime.timedelta(days=days)).replace(hour=hour)


def pdf_base64() -> str:
    return base64.b64encode(PDF_BYTES).decode()


@dataclass
class ApiResponse:
    status: int
    body: dict
    headers: dict


class ApiClient:
    """Calls the API as a CRM does: JSON bodies, ``Authorization: Bearer <key>``."""

    def __init__(self, raw_key: str | None):
        self.client = Client()
        self.raw_key = raw_key

    def call(self, method: str, path: str, body=None, *, raw: bytes | str | None = None, **headers) -> ApiResponse:
        if self.raw_key and "HTTP_AUTHORIZATION" not in headers:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.raw_key}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json", "data": data} if data is not None else {}
        response = getattr(self.client, method.lower())(f"/api/v1{path}", **kwargs, **headers)
        content_type = response.headers.get("Content-Type", "")
        assert content_type.startswith("application/json"), (response.status_code, content_type)
        return ApiResponse(response.status_code, json.loads(response.content or b"{}"), dict(response.headers))

    def get(self, path, **headers):
        return self.call("GET", path, **headers)

    def post(self, path, body=None, **kwargs):
        return self.call("POST", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.call("PATCH", path, body, **kwargs)


@dataclass
class Site:
    community: object
    property: object
    units: list
    contractor: object
    key: object
    raw_key: str


def build_site(name: str = "A") -> Site:
    community = CommunityFactory(name=f"Community {name}", slug=f"community-{name.lower()}")
    prop = PropertyFactory(community=community, external_id=f"TWR-{name}")
    units = [UnitFactory(property=prop, external_id=f"UNIT-{name}{number}") for number in (1, 2, 3)]
    contractor = ContractorFactory(company_name=f"Builder {name} LLC", crm_reference=f"a0B{name}00000000CRM")
    MembershipFactory(contractor=contractor, community=community, status=MembershipStatus.APPROVED)
    key, raw_key = api_key_create(actor=Actor.system("test"), community=community, name=f"CRM {name}")
    return Site(community, prop, units, contractor, key, raw_key)


def permit_body(site: Site, **overrides) -> dict:
    """A complete permit (everything submit needs), in the contract's shape."""
    valid_from, valid_till = days_ahead(10), days_ahead(40, hour=14)
    body = {
        "salesforcePermitId": "a1B5g000000XYZWEAW",
        "contractorSalesforceId": site.contractor.crm_reference,
        "propertyExternalId": site.property.external_id,
        "flatExternalId": site.units[0].external_id,
        "validFrom": iso(valid_from),
        "validTill": iso(valid_till),
        "jobsSummary": "Full interior fit-out.",
        "timeIn": "08:00",
        "timeOut": "17:00",
        "representativeName": "Omar Haddad",
        "representativeContact": "+971501234567",
        "employees": [{"name": "Ravi Kumar", "idNumber": "784-1990-1234567-6", "phone": "+971501112233"}],
        "vehicles": [{"plate": "DXB A 12345"}],
        "noc": {
            "type": "base64",
            "fileName": "noc.pdf",
            "contentType": "application/pdf",
            "data": pdf_base64(),
            "nocNumber": "NOC-1",
            "issueDate": (valid_from - datetime.timedelta(days=12)).date().isoformat(),
            "expiryDate": (valid_till + datetime.timedelta(days=30)).date().isoformat(),
        },
    }
    body.update(overrides)
    return body
