"""Two companies approved in one community, each with a signed-in user; staff users of that community."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from portal.core.models import AuditEvent
from portal.core.scoping import OPERATORS_GROUP
from tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    CommunityFactory,
    ContractorUserFactory,
    MembershipFactory,
    PermitFactory,
    PropertyFactory,
    StaffMembershipFactory,
    UnitFactory,
    UserFactory,
)

EXE_BYTES = b"MZ\x90\x00" + bytes(512)


def pdf_upload(name: str = "noc.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_upload(name: str = "qr.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def exe_as_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("noc.pdf", EXE_BYTES, content_type="application/pdf")


def local_input(days: int, hour: int, tz) -> str:
    """A datetime-local value ``days`` from today at ``hour`` in ``tz``."""
    day = timezone.localtime(timezone.now(), tz).date() + datetime.timedelta(days=days)
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def assert_says(response, sentence: str) -> None:
    """The page shows ``sentence`` exactly (as the template escapes it)."""
    content = response.content.decode()
    assert escape(sentence) in content, f"{sentence!r} not on the page"


class Counts:
    """Row counts before an attempt, to show that nothing was saved."""

    def __init__(self, *models):
        self.models = (*models, AuditEvent)
        self.before = self.now()

    def now(self):
        return {model.__name__: model.objects.count() for model in self.models}

    def unchanged(self) -> bool:
        return self.now() == self.before


@pytest.fixture
def community(db):
    return CommunityFactory(name="DAMAC Hills", time_zone="Asia/Dubai")


@pytest.fixture
def prop(community):
    return PropertyFactory(community=community, name="Tower 7", external_id="DAMAC-TWR-07")


@pytest.fixture
def units(prop):
    return [UnitFactory(property=prop, name=f"Unit 07{n}", external_id=f"UNIT-07{n}") for n in (12, 13, 14)]


@pytest.fixture
def company_a(community):
    return MembershipFactory(community=community, contractor__company_name="Al Noor Interiors LLC").contractor


@pytest.fixture
def company_b(community):
    return MembershipFactory(community=community, contractor__company_name="Gulf Build Contracting").contractor


@pytest.fixture
def user_a(company_a):
    return ContractorUserFactory(
        contractor=company_a, user__username="omar@alnoor.example", user__email="omar@alnoor.example"
    ).user


@pytest.fixture
def user_b(company_b):
    return ContractorUserFactory(
        contractor=company_b, user__username="priya@gulfbuild.example", user__email="priya@gulfbuild.example"
    ).user


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_a(user_a):
    return _client_for(user_a)


@pytest.fixture
def client_b(user_b):
    return _client_for(user_b)


@pytest.fixture
def manager(community):
    return StaffMembershipFactory(community=community, user__username="manager").user


@pytest.fixture
def other_manager(db):
    return StaffMembershipFactory(community=CommunityFactory(), user__username="manager2").user


@pytest.fixture
def operator(db):
    user = UserFactory(username="operator", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=OPERATORS_GROUP)[0])
    return user


@pytest.fixture
def client_for():
    return _client_for


@pytest.fixture
def permit_a(company_a, community, prop, units):
    """A complete draft of company A (a worker and a NOC), ready to submit."""
    return PermitFactory(community=community, property=prop, main_unit=units[0], contractor=company_a)


@pytest.fixture
def permit_b(company_b, community, prop, units):
    return PermitFactory(community=community, property=prop, main_unit=units[1], contractor=company_b)
