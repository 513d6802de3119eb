"""Factories for the whole suite. Permits are built through the services where status matters."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from contractors.choices import MembershipStatus
from contractors.models import Contractor, ContractorMembership, ContractorUser
from permits.models import NocVersion, Permit, Vehicle, Worker
from permits.validators import make_emirates_id
from portal.core.models import Community, Property, StaffMembership, Unit


def _one_page_pdf() -> bytes:
    """A valid one-page PDF (a browser's viewer opens it; a broken one shows an error dialog that takes focus)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return body + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


PDF_BYTES = _one_page_pdf()
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


# A valid Emirates ID (its check digit right) and a valid UAE mobile, as the services store them.
RAVI_ID = make_emirates_id(1990, 1234567)  # 784-1990-1234567-6


def pdf_file(name: str = "noc.pdf") -> ContentFile:
    return ContentFile(PDF_BYTES, name=name)


def in_days(days: int, hour: int = 12, tz=datetime.UTC) -> datetime.datetime:
    moment = timezone.now().astimezone(tz) + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pass-word-123")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    parking_zone = "ZONE-A"

    @factory.post_generation
    def buzzin(obj, create, extracted, **kwargs):
        """Its Buzz-In settings (integrations layer): ``buzzin__api_key="…"``; ``buzzin=False`` for none."""
        if create and extracted is not False:
            from portal.integrations.buzzin.models import BuzzinCommunity

            BuzzinCommunity.objects.update_or_create(community=obj, defaults={"buzzin_id": f"{obj.pk:024x}", **kwargs})


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Property

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"Tower {n}")
    external_id = factory.Sequence(lambda n: f"TWR-{n:04d}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    property = factory.SubFactory(PropertyFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")
    external_id = factory.Sequence(lambda n: f"UNIT-{n:04d}")


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory, is_staff=True)
    community = factory.SubFactory(CommunityFactory)


class ContractorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contractor

    company_name = factory.Sequence(lambda n: f"Contractor {n} LLC")
    contact_name = "Omar Haddad"
    email = factory.Sequence(lambda n: f"company{n}@example.com")
    phone = factory.Sequence(lambda n: f"+97150{n:07d}")
    trade_licence_number = "TL-1"
    trade_licence_expiry = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
    insurance_expiry = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractorMembership

    contractor = factory.SubFactory(ContractorFactory)
    community = factory.SubFactory(CommunityFactory)
    status = MembershipStatus.APPROVED


class ContractorUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractorUser

    user = factory.SubFactory(UserFactory)
    contractor = factory.SubFactory(ContractorFactory)


class PermitFactory(factory.django.DjangoModelFactory):
    """A complete draft: dates, times, representative, a worker and a NOC; ready to submit."""

    class Meta:
        model = Permit
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    property = factory.SubFactory(PropertyFactory, community=factory.SelfAttribute("..community"))
    main_unit = factory.SubFactory(UnitFactory, property=factory.SelfAttribute("..property"))
    contractor = factory.LazyAttribute(lambda o: MembershipFactory(community=o.community).contractor)
    valid_from = factory.LazyFunction(lambda: in_days(2, hour=4))
    valid_till = factory.LazyFunction(lambda: in_days(30, hour=14))
    time_in = datetime.time(8, 0)
    time_out = datetime.time(17, 0)
    representative_name = "Omar Haddad"
    representative_contact = "+971501234567"
    jobs_summary = "Interior fit-out."

    @factory.post_generation
    def with_worker(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            Worker.objects.create(permit=obj, name="Ravi Kumar", id_number=RAVI_ID)

    @factory.post_generation
    def with_noc(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            NocVersionFactory(permit=obj)


class NocVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NocVersion

    permit = factory.SubFactory(PermitFactory, with_noc=False)
    version = 1
    noc_number = factory.Sequence(lambda n: f"NOC-{n:05d}")
    issue_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    expiry_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=120))
    file = factory.LazyFunction(pdf_file)
    original_name = "noc.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    permit = factory.SubFactory(PermitFactory)
    plate = factory.Sequence(lambda n: f"DXB{n:05d}")
    position = factory.LazyAttribute(lambda o: o.permit.vehicles.count() + 1)


def permit_in_status(status: str, **kwargs) -> Permit:
    """A permit moved to ``status`` through the real services (so audit and outbox are real too)."""
    from permits import services
    from portal.core.actors import Actor

    actor = Actor.system("test setup")
    permit = PermitFactory(**kwargs)
    path = {
        "draft": [],
        "submitted": ["submit"],
        "changes_requested": ["submit", "request_changes"],
        "approved": ["submit", "approve"],
        "rejected": ["submit", "reject"],
        "cancelled": ["cancel"],
        "active": ["submit", "approve", "activate"],
        "revoked": ["submit", "approve", "revoke"],
        "expired": ["submit", "approve", "expire"],
        "archived": ["submit", "approve", "archive"],
    }[status]
    calls = {
        "submit": lambda p: services.permit_submit(actor=actor, permit=p),
        "approve": lambda p: services.permit_approve(actor=actor, permit=p),
        "reject": lambda p: services.permit_reject(actor=actor, permit=p, reason="No."),
        "request_changes": lambda p: services.permit_request_changes(actor=actor, permit=p, note="Fix it."),
        "cancel": lambda p: services.permit_cancel(actor=actor, permit=p),
        "activate": lambda p: services.permit_pass_issue(
            actor=actor, permit=p, pass_number="WP-000001", access_code="7H2KQ9ZTM4XB1RPA8VC0DLEN"
        ),
        "revoke": lambda p: services.permit_revoke(actor=actor, permit=p, reason="Safety breach."),
        "expire": lambda p: services.permit_expire(actor=actor, permit=p),
        "archive": lambda p: services.permit_archive(actor=actor, permit=p, reason="Contractor revoked."),
    }
    for step in path:
        permit = calls[step](permit)
    permit.refresh_from_db()
    return permit


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    permit = factory.SubFactory(PermitFactory)
    name = factory.Sequence(lambda n: f"Worker {n}")
    id_number = factory.Sequence(lambda n: make_emirates_id(1985, n))
    phone = factory.Sequence(lambda n: f"+97155{n:07d}")


def set_buzzin_key(community: Community, key: str) -> None:
    """Give a community its own Buzz-In key (kept by the integrations layer)."""
    from portal.integrations.buzzin.models import BuzzinCommunity

    BuzzinCommunity.objects.update_or_create(community=community, defaults={"api_key": key})
    community.refresh_from_db()


# --- what the integrations layer keeps of the portal's objects (their partners' ids and states) ---


def link_buzzin_permit(permit: Permit, buzzin_id: str = "", **fields):
    """The permit as Buzz-In knows it: ``buzzin_id``, ``status``, ``event_at``."""
    from portal.integrations.buzzin.models import BuzzinPermit

    link, _ = BuzzinPermit.objects.update_or_create(permit=permit, defaults={"buzzin_id": buzzin_id, **fields})
    return link


def buzzin_permit(permit: Permit):
    """The integrations' row for ``permit`` (an empty unsaved one when there is none)."""
    from portal.integrations.buzzin.models import BuzzinPermit

    return BuzzinPermit.objects.filter(permit=permit).first() or BuzzinPermit(permit=permit)


def set_buzzin_membership(membership, state: str, *, buzzin_id: str = "", event_at=None):
    """The company's standing at the membership's Buzz-In, and (optionally) the company's Buzz-In id."""
    from portal.integrations.buzzin.models import BuzzinContractor, BuzzinMembership

    if buzzin_id:
        BuzzinContractor.objects.update_or_create(contractor=membership.contractor, defaults={"buzzin_id": buzzin_id})
    link, _ = BuzzinMembership.objects.update_or_create(
        membership=membership, defaults={"state": state, "event_at": event_at}
    )
    return link


def buzzin_membership(membership):
    """(the company's Buzz-In id, the membership's state at Buzz-In), as the integrations layer holds them."""
    from portal.integrations.buzzin.models import BuzzinContractorState, BuzzinMembership
    from portal.integrations.buzzin.records import contractor_buzzin_id

    link = BuzzinMembership.objects.filter(membership=membership).first()
    return contractor_buzzin_id(membership.contractor_id), link.state if link else BuzzinContractorState.NOT_SENT


def set_parking_reference(vehicle: Vehicle, reference_id: str) -> None:
    from portal.integrations.opscom.models import OpscomParking

    OpscomParking.objects.update_or_create(vehicle=vehicle, defaults={"reference_id": reference_id})


def parking_reference_of(vehicle: Vehicle) -> str:
    from portal.integrations.opscom.records import parking_reference

    return parking_reference(vehicle)


STAFF_GROUP_STEPS = [
    ("0007_staff_groups", "create_groups"),
    ("0009_staff_groups_edit_clash_settings", "grant"),
    ("0009_decision_deadline_permissions", "grant"),
    ("0009_security_staff_group", "create_security_group"),
]


def staff_groups_restored() -> None:
    """The staff groups as the data migrations make them. A transactional test (a live server) flushes the
    database afterwards, groups included; the next one runs these migration steps again."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.db import connection

    if Group.objects.filter(name="Property managers").exists():
        return
    editor = SimpleNamespace(connection=connection)
    for migration, step in STAFF_GROUP_STEPS:
        getattr(importlib.import_module(f"portal.integrations.migrations.{migration}"), step)(apps, editor)
