"""One shared world for the security tests: two communities, A and B, each fully populated.

Everything of B carries names no page of A contains by accident ("Bravo…", "BRV…"), so a page that
leaks B is caught by a plain substring check (``World.b_markers``).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from contractors.models import ContractorDocument, ContractorMembership
from contractors.services import contractor_document_upload
from permits.models import GateScan, NocVersion, Permit, Vehicle, Worker
from portal.api.keys import api_key_create
from portal.core.actors import Actor
from portal.core.models import ApiKey, AuditEvent, StaffMembership
from portal.integrations.buzzin.models import (
    BuzzinCommunity,
    BuzzinContractor,
    BuzzinContractorState,
    BuzzinMembership,
    BuzzinPermit,
    BuzzinProperty,
    BuzzinUnit,
)
from portal.integrations.delivery.models import DeliveryAttempt, DeliveryState, OutboundDelivery
from portal.integrations.models import Drift, InboundEvent
from portal.integrations.notifications.models import EmailPreference, Notification
from portal.integrations.opscom.models import OpscomParking
from tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    CommunityFactory,
    ContractorFactory,
    ContractorUserFactory,
    MembershipFactory,
    PropertyFactory,
    StaffMembershipFactory,
    UnitFactory,
    UserFactory,
    VehicleFactory,
    link_buzzin_permit,
    permit_in_status,
    set_buzzin_membership,
    set_parking_reference,
)

MANAGERS_GROUP = "Property managers"
STATUSES = ["draft", "submitted", "approved", "active", "rejected", "cancelled"]
# Apps whose every permission the "manager with every permission" gets: scoping must hold without
# relying on the group's grants.
PROJECT_APPS = ["core", "contractors", "permits", "integrations", "api"]


@dataclass
class Side:
    """Everything one community owns."""

    name: str
    community: object
    property: object
    units: list
    contractor: object
    membership: object
    contractor_user: object
    manager: object
    permits: dict[str, Permit]
    vehicles: list
    workers: list
    nocs: list
    documents: list
    scan: object
    deliveries: list
    failed_delivery: object
    inbound: object
    drift: object
    audit: object
    staff_membership: object
    api_key: object
    raw_key: str
    api_permit: Permit | None = None
    api_contractor: object = None
    markers: list[str] = field(default_factory=list)


@dataclass
class World:
    a: Side
    b: Side
    manager_plus: object  # a manager of A holding every permission of the project's apps

    @property
    def b_markers(self) -> list[str]:
        return self.b.markers


def _manager(username: str, community):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=MANAGERS_GROUP))
    StaffMembershipFactory(user=user, community=community)
    return user


def _build_side(name: str, tag: str) -> Side:
    system = Actor.system("security setup")
    community = CommunityFactory(name=f"{name} Heights", slug=f"{name.lower()}-heights", time_zone="Asia/Dubai")
    prop = PropertyFactory(community=community, name=f"{name} Tower", external_id=f"{tag}-TWR-01")
    units = [UnitFactory(property=prop, name=f"{name} Unit {n}", external_id=f"{tag}-UNIT-{n}") for n in (1, 2, 3)]
    contractor = ContractorFactory(
        company_name=f"{name} Builders LLC",
        email=f"office@{name.lower()}-builders.example",
        crm_reference=f"a0B{tag}0000000CRM1",
        trade_licence_number=f"TL-{tag}-7781",
    )
    membership = MembershipFactory(contractor=contractor, community=community)
    set_buzzin_membership(  # the company's Buzz-In id, as before the ids moved out of the membership
        membership, BuzzinContractorState.NOT_SENT, buzzin_id=f"{tag.lower()}c0ffee000000000000001"[:24]
    )
    BuzzinProperty.objects.create(property=prop, buzzin_id=f"{tag.lower()}70be700000000000000001"[:24])
    BuzzinUnit.objects.create(unit=units[0], buzzin_id=f"{tag.lower()}0a17000000000000000001"[:24])
    contractor_user = ContractorUserFactory(
        contractor=contractor,
        user__username=f"{name.lower()}.user@example.com",
        user__email=f"{name.lower()}@x.example",
    ).user
    manager = _manager(f"{name.lower()}-manager", community)

    permits = {}
    for status in STATUSES:
        permits[status] = permit_in_status(
            status, community=community, property=prop, main_unit=units[0], contractor=contractor
        )
    active = permits["active"]
    link_buzzin_permit(active, f"{tag.lower()}a11ce00000000000000001"[:24], status="Approved")
    active.qr_image.save(f"{tag}-qr.png", ContentFile(PNG_BYTES), save=True)

    vehicles = [
        VehicleFactory(permit=permits["draft"], plate=f"{tag}-70001"),
        VehicleFactory(permit=permits["active"], plate=f"{tag}-70002"),
    ]
    set_parking_reference(vehicles[1], f"OC-{tag}-PARK-1")
    workers = [Worker.objects.create(permit=permits["draft"], name=f"{name} Worker", id_number=f"{tag}-ID-1")]
    workers += list(Worker.objects.filter(permit__community=community).exclude(pk=workers[0].pk))
    NocVersion.objects.filter(permit__community=community).update(noc_number=f"NOC-{tag}")
    nocs = list(NocVersion.objects.filter(permit__community=community))

    documents = [
        contractor_document_upload(
            actor=system,
            contractor=contractor,
            kind=kind,
            file=ContentFile(PDF_BYTES, name=f"{tag}-{kind}.pdf"),
            expiry_date=timezone.localdate() + datetime.timedelta(days=400),
            number=f"TL-{tag}-7781" if kind == "trade_licence" else "",
        )
        for kind in ("trade_licence", "insurance")
    ]
    scan = GateScan.objects.create(
        permit=active, event_id=f"evt-scan-{tag}", scanned_at=timezone.now(), gate=f"{name} Gate 9"
    )
    deliveries = list(OutboundDelivery.objects.filter(community=community))
    failed = deliveries[0]
    OutboundDelivery.objects.filter(pk=failed.pk).update(
        state=DeliveryState.FAILED, last_error=f"{tag}-DELIVERY-ERROR", error_kind="rejected"
    )
    inbound = InboundEvent.objects.create(
        event_id=f"evt-inbound-{tag}",
        event="passes.permits.issued",
        community_id=community.buzzin.buzzin_id,
        verification="hmac",
        delivery_id=f"dlv-{tag}",
        payload={"id": f"evt-inbound-{tag}", "event": "passes.permits.issued", "data": {"note": f"{tag}-PAYLOAD"}},
        result=f"{tag}-RESULT",
    )
    drift = Drift.objects.create(
        kind="status_differs",
        community=community,
        target_type="permit",
        target_id=str(permits["approved"].pk),
        detail={
            "reference": permits["approved"].reference,
            "portal_status": "approved",
            "buzzin_status": f"{tag}-DRIFT",
        },
    )
    key, raw_key = api_key_create(actor=system, community=community, name=f"{name} CRM key")
    side = Side(
        name=name,
        community=community,
        property=prop,
        units=units,
        contractor=contractor,
        membership=membership,
        contractor_user=contractor_user,
        manager=manager,
        permits=permits,
        vehicles=vehicles,
        workers=workers,
        nocs=nocs,
        documents=documents,
        scan=scan,
        deliveries=deliveries,
        failed_delivery=OutboundDelivery.objects.get(pk=failed.pk),
        inbound=inbound,
        drift=drift,
        audit=AuditEvent.objects.filter(community=community).first(),
        staff_membership=StaffMembership.objects.get(user=manager),
        api_key=key,
        raw_key=raw_key,
    )
    _api_objects(side, tag)
    side.markers = _markers(side, tag)
    return side


def _api_objects(side: Side, tag: str) -> None:
    """A contractor and a permit created through the API with the side's own key."""
    from tests.api.support import Site, pdf_base64, permit_body

    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {side.raw_key}"}
    contractor_body = {
        "name": f"{side.name} Api Contact",
        "email": f"api@{side.name.lower()}-api.example",
        "phone": "+97150999" + ("1111" if tag == "ALF" else "2222"),
        "company": {
            "companyName": f"{side.name} Api Contracting",
            "tradeLicense": {"type": "base64", "fileName": "licence.pdf", "data": pdf_base64()},
            "tradeLicenseExpiryDate": "2031-01-31",
            "tradeLicenseNumber": f"TL-{tag}-API",
        },
        "integrations": {"damac": {"salesforceId": f"a0B{tag}00000API01"}},
    }
    response = client.post("/api/v1/communityContractors", json.dumps(contractor_body), "application/json", **auth)
    assert response.status_code == 201, response.content
    side.api_contractor = json.loads(response.content)
    site = Site(side.community, side.property, side.units, side.contractor, side.api_key, side.raw_key)
    body = permit_body(site, salesforcePermitId=f"a1B{tag}0000000API1")
    response = client.post("/api/v1/permits", json.dumps(body), "application/json", **auth)
    assert response.status_code == 201, response.content
    side.api_permit = Permit.objects.get(reference=json.loads(response.content)["_id"])
    cache.clear()  # the rate-limit counters


def _markers(side: Side, tag: str) -> list[str]:
    """Strings only this side's rows contain."""
    markers = [
        side.community.name,
        side.property.name,
        side.property.external_id,
        side.contractor.company_name,
        side.contractor.reference,
        side.contractor.email,
        side.contractor_user.username,
        side.manager.username,
        f"NOC-{tag}",
        f"TL-{tag}",
        f"{side.name} Gate 9",
        f"{side.name} Worker",
        f"{tag}-DELIVERY-ERROR",
        f"{tag}-PAYLOAD",
        f"{tag}-RESULT",
        f"{tag}-DRIFT",
        f"OC-{tag}-PARK-1",
        *(link.buzzin_id for link in BuzzinProperty.objects.filter(property=side.property)),
        *(link.buzzin_id for link in BuzzinUnit.objects.filter(unit__in=side.units)),
        *(
            link.buzzin_id
            for link in BuzzinPermit.objects.filter(permit__community=side.community).exclude(buzzin_id="")
        ),
        *(link.buzzin_id for link in BuzzinContractor.objects.filter(contractor=side.contractor)),
        f"evt-inbound-{tag}",
        f"{side.name} CRM key",
        side.api_key.prefix,
        f"{side.name} Api Contracting",
        f"a1B{tag}0000000API1",
        side.api_contractor["_id"],
        *(unit.external_id for unit in side.units),
        *(vehicle.plate for vehicle in side.vehicles),
        *(permit.reference for permit in Permit.objects.filter(community=side.community)),
        *(document.original_name for document in side.documents),
    ]
    return sorted(set(markers))


def _manager_plus(community):
    """A manager of ``community`` with every permission of the project's apps: only scoping stands between."""
    user = _manager("alpha-manager-plus", community)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=PROJECT_APPS))
    return user


def build_world() -> World:
    a = _build_side("Alpha", "ALF")
    b = _build_side("Bravo", "BRV")
    return World(a=a, b=b, manager_plus=_manager_plus(a.community))


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    return build_world()


def client_for(user=None, **defaults) -> Client:
    client = Client(raise_request_exception=False, **defaults)
    if user is not None:
        client.force_login(user)
    return client


def b_rows(world: World) -> dict:
    """Querysets of every row B owns (what nothing done by A may change)."""
    from django.contrib.auth import get_user_model

    from portal.core.models import Community, Property, Unit

    b = world.b
    community = b.community
    return {
        Community: Community.objects.filter(pk=community.pk),
        Property: Property.objects.filter(community=community),
        Unit: Unit.objects.filter(property__community=community),
        Permit: Permit.objects.filter(community=community),
        Vehicle: Vehicle.objects.filter(permit__community=community),
        Worker: Worker.objects.filter(permit__community=community),
        NocVersion: NocVersion.objects.filter(permit__community=community),
        GateScan: GateScan.objects.filter(permit__community=community),
        ContractorMembership: ContractorMembership.objects.filter(community=community),
        ContractorDocument: ContractorDocument.objects.filter(contractor__memberships__community=community),
        OutboundDelivery: OutboundDelivery.objects.filter(community=community),
        DeliveryAttempt: DeliveryAttempt.objects.filter(delivery__community=community),
        Drift: Drift.objects.filter(community=community),
        InboundEvent: InboundEvent.objects.filter(community_id=community.buzzin.buzzin_id),
        BuzzinCommunity: BuzzinCommunity.objects.filter(community=community),
        BuzzinProperty: BuzzinProperty.objects.filter(property__community=community),
        BuzzinUnit: BuzzinUnit.objects.filter(unit__property__community=community),
        BuzzinPermit: BuzzinPermit.objects.filter(permit__community=community),
        BuzzinMembership: BuzzinMembership.objects.filter(membership__community=community),
        BuzzinContractor: BuzzinContractor.objects.filter(contractor=b.contractor),
        OpscomParking: OpscomParking.objects.filter(vehicle__permit__community=community),
        AuditEvent: AuditEvent.objects.filter(community=community),
        ApiKey: ApiKey.objects.filter(community=community),
        StaffMembership: StaffMembership.objects.filter(community=community),
        get_user_model(): get_user_model().objects.filter(pk__in=[b.manager.pk, b.contractor_user.pk]),
        Notification: Notification.objects.filter(recipient__in=[b.manager, b.contractor_user]),
        EmailPreference: EmailPreference.objects.filter(user__in=[b.manager, b.contractor_user]),
    }


VOLATILE_FIELDS = {"last_used_at", "last_login"}


def b_fingerprint(world: World, *, global_counts: bool = True) -> dict:
    """Every field of every row B owns, plus (unless told) the global audit and admin-log counts."""
    from django.contrib.admin.models import LogEntry

    snapshot = {}
    for model, queryset in b_rows(world).items():
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE_FIELDS]
        snapshot[model.__name__] = list(queryset.order_by("pk").values_list(*names))
    if global_counts:
        snapshot["AuditEvent.count"] = AuditEvent.objects.count()
        snapshot["LogEntry.count"] = LogEntry.objects.count()
    return snapshot


def diff(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]
