"""Demo data: two communities, their managers, contractors and permits at every stage.

The partners' own settings for these communities (ids, keys) are the integrations layer's: the
``configure`` hook of ``seed_demo`` runs after the communities exist and before anyone is approved.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from contractors.choices import MembershipStatus
from contractors.models import Contractor, ContractorUser
from contractors.services import contractor_approve, contractor_create, contractor_user_create, membership_request
from portal.core.actors import Actor
from portal.core.models import BlackoutDate, Community, Property, PublicHoliday, StaffMembership, Unit

from .models import ClashSettings, Permit
from .services import (
    noc_version_upload,
    permit_cancel,
    permit_create_draft,
    permit_reject,
    permit_request_changes,
    permit_submit,
)

DEMO_CONTRACTOR_REFERENCE = "a0B5g000000ABCDEAW"
SEED = Actor.system("seed_demo")
PROPERTY_MANAGERS_GROUP = "Property managers"
OPERATORS_GROUP = "operator"

COMMUNITIES = [
    {
        "name": "DAMAC Hills",
        "slug": "damac-hills",
        "parking_zone": "ZONE-A",
        "properties": [
            ("Tower 7", "DAMAC-TWR-07", ["0712", "0713", "0714", "0801", "0802"]),
            ("Tower 8", "DAMAC-TWR-08", ["0101", "0102", "0201"]),
        ],
    },
    {
        "name": "Palm Gardens",
        "slug": "palm-gardens",
        "parking_zone": "ZONE-B",
        "properties": [("Garden Residence 1", "PG-RES-01", ["G01", "G02", "101"])],
    },
]


@dataclass
class DemoAccounts:
    password: str
    accounts: list[tuple[str, str]] = field(default_factory=list)  # (username, role)


def demo_password() -> str:
    """DEMO_PASSWORD when set; else one random password kept under var/ so reruns print the same."""
    if settings.DEMO_PASSWORD:
        return settings.DEMO_PASSWORD
    path = Path(settings.BASE_DIR) / "var" / "demo-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
    return path.read_text().strip()


UAE_FIXED_HOLIDAYS = (((1, 1), "New Year's Day"), ((12, 2), "National Day"), ((12, 3), "National Day holiday"))


def seed_demo(configure: Callable[[list[Community]], None] | None = None) -> DemoAccounts:
    """Create (or refresh) the demo; ``configure(communities)`` sets up the partners before any approval."""
    password = demo_password()
    with transaction.atomic():
        communities = [_community(spec) for spec in COMMUNITIES]
        if configure is not None:
            configure(communities)
        result = DemoAccounts(password=password)
        _user("admin", password, superuser=True)
        result.accounts.append(("admin", "superuser"))
        for index, community in enumerate(communities):
            username = "manager" if index == 0 else f"manager{index + 1}"
            _property_manager(username, password, community, lead=index == 0)
            result.accounts.append((username, f"property manager of {community.name}"))
        approved, _pending = _contractors(communities)
        _contractor_user("contractor", password, approved)
        result.accounts.append(("contractor", f"contractor user of {approved.company_name}"))
    for community in communities:
        if not Permit.objects.filter(contractor=approved, community=community).exists():
            _permits(community, approved)
    _clash_settings(communities[0])
    return result


def _clash_settings(community: Community) -> None:
    """Set after the demo permits: one fit-out per unit at a time (a move-in waits for it), two a day per tower."""
    settings, _ = ClashSettings.objects.get_or_create(community=community)
    for first, second in (("fit_out", "fit_out"), ("move_in", "fit_out")):
        settings.exclusive_pairs.get_or_create(first_type=first, second_type=second)
    for prop in community.properties.all():
        settings.capacities.get_or_create(property=prop, permit_type="fit_out", defaults={"max_per_day": 2})


def _community(spec: dict) -> Community:
    community, _ = Community.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "parking_zone": spec["parking_zone"],
            "parking_fee": "25.00",
            "parking_currency": "AED",
        },
    )
    for name, external_id, units in spec["properties"]:
        prop, _ = Property.objects.update_or_create(
            external_id=external_id, defaults={"community": community, "name": name}
        )
        prefix = external_id.split("-")[0]
        for number in units:
            unit_external_id = f"UNIT-{number}" if prefix == "DAMAC" else f"{prefix}-{number}"
            Unit.objects.get_or_create(property=prop, external_id=unit_external_id, defaults={"name": f"Unit {number}"})
    for day, name in UAE_FIXED_HOLIDAYS:  # the office is closed: decision deadlines skip them
        PublicHoliday.objects.get_or_create(
            community=community, date=datetime.date(timezone.now().year, *day), defaults={"name": name}
        )
    if community.slug == "palm-gardens":
        BlackoutDate.objects.get_or_create(
            community=community, date=datetime.date(timezone.now().year, 12, 2), defaults={"reason": "National Day"}
        )
    return community


def _user(username: str, password: str, *, superuser: bool = False, staff: bool = False):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
    user.is_superuser = superuser
    user.is_staff = superuser or staff
    user.set_password(password)
    user.save()
    return user


def _property_manager(username: str, password: str, community: Community, *, lead: bool = False) -> None:
    """A property manager; ``lead``: also the community's team lead (hears of overdue decisions)."""
    user = _user(username, password, staff=True)
    group, _ = Group.objects.get_or_create(name=PROPERTY_MANAGERS_GROUP)
    user.groups.add(group)
    StaffMembership.objects.update_or_create(user=user, community=community, defaults={"is_lead": lead})


def _contractors(communities: list[Community]) -> tuple[Contractor, Contractor]:
    first = communities[0]
    approved = Contractor.objects.filter(reference=DEMO_CONTRACTOR_REFERENCE).first()
    if approved is None:
        approved = contractor_create(
            actor=SEED,
            company_name="Al Noor Interiors LLC",
            contact_name="Omar Haddad",
            email="omar@alnoor.example",
            phone="+971501234567",
            communities=[first],
            trade_licence_number="TL-884213",
            trade_licence_expiry=_in_days(400),
            insurance_expiry=_in_days(300),
        )
        Contractor.objects.filter(pk=approved.pk).update(reference=DEMO_CONTRACTOR_REFERENCE)
        approved.refresh_from_db()
    for community in communities:  # one company working in both communities, as companies do
        _approve_in(approved, community)
    _approve_in(_palm_contractor(), communities[1])
    pending = Contractor.objects.filter(email="info@gulfbuild.example").first()
    if pending is None:
        pending = contractor_create(
            actor=SEED,
            company_name="Gulf Build Contracting",
            contact_name="Priya Nair",
            email="info@gulfbuild.example",
            phone="+971559876543",
            communities=communities[:1],
            trade_licence_number="TL-551020",
            trade_licence_expiry=_in_days(20),
            insurance_expiry=_in_days(200),
        )
    return approved, pending


def _approve_in(contractor: Contractor, community: Community) -> None:
    membership = membership_request(actor=SEED, contractor=contractor, community=community)
    if membership.status == MembershipStatus.PENDING:
        contractor_approve(actor=SEED, membership=membership)


def _palm_contractor() -> Contractor:
    existing = Contractor.objects.filter(email="ops@palmservices.example").first()
    return existing or contractor_create(
        actor=SEED,
        company_name="Palm Maintenance Services",
        contact_name="Yusuf Karim",
        email="ops@palmservices.example",
        phone="+971521112233",
        trade_licence_number="TL-330981",
        trade_licence_expiry=_in_days(500),
        insurance_expiry=_in_days(500),
    )


def _contractor_user(username: str, password: str, contractor: Contractor) -> None:
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        profile = contractor_user_create(
            actor=SEED, contractor=contractor, email=f"{username}@example.com", password=None
        )
        user = profile.user
        user.username = username
    elif not ContractorUser.objects.filter(user=user).exists():
        ContractorUser.objects.create(user=user, contractor=contractor)
    user.set_password(password)
    user.save()


def _in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _window(community: Community, start_in: int, days: int) -> tuple[datetime.datetime, datetime.datetime]:
    """``days`` days from ``start_in`` days ahead, moved past the community's blackout dates."""
    first = _in_days(start_in)
    blackouts = set(community.blackout_dates.values_list("date", flat=True))
    while any(first <= day <= first + datetime.timedelta(days=days) for day in blackouts):
        first += datetime.timedelta(days=1)
    tz = community.tzinfo
    start = datetime.datetime.combine(first, datetime.time(7, 0), tzinfo=tz)
    end = datetime.datetime.combine(first + datetime.timedelta(days=days), datetime.time(18, 0), tzinfo=tz)
    return start, end


# Per community: the tower, the first NOC number, then (unit, jobs summary, plates typed as people type
# them, what happens next). The services store plates as DXBA12345 (see permits.validators).
PERMIT_PLANS = {
    "damac-hills": (
        "DAMAC-TWR-07",
        12345,
        [
            ("UNIT-0712", "Full interior fit-out of unit 0712.", ["DXB A 12345"], "submit"),
            ("UNIT-0713", "Kitchen replacement.", ["DXB B 20202", "SHJ 3 4455"], "submit"),
            ("UNIT-0714", "Bathroom waterproofing.", [], "changes"),
            ("UNIT-0801", "Move-in of furniture.", ["DXB K 777"], "reject"),
            ("UNIT-0802", "AC maintenance.", [], "cancel"),
            ("UNIT-0713", "Flooring — second phase.", [], None),
        ],
    ),
    "palm-gardens": (
        "PG-RES-01",
        22345,
        [
            ("PG-G01", "Joinery for the garden residence's lobby.", ["DXB C 5050"], "submit"),
            ("PG-101", "Wardrobe installation in unit 101.", [], "submit"),
        ],
    ),
}


def _permits(community: Community, contractor: Contractor) -> None:
    tower, first_noc, plans = PERMIT_PLANS.get(community.slug, ("", 0, []))
    if not plans:
        return
    prop = Property.objects.get(external_id=tower)
    units = {unit.external_id: unit for unit in prop.units.all()}
    for position, (unit_id, summary, plates, then) in enumerate(plans):
        valid_from, valid_till = _window(community, 2 + position, 28)
        permit = permit_create_draft(
            actor=SEED,
            contractor=contractor,
            property=prop,
            main_unit=units[unit_id],
            valid_from=valid_from,
            valid_till=valid_till,
            time_in=datetime.time(8, 0),
            time_out=datetime.time(17, 0),
            representative_name="Omar Haddad",
            representative_contact="+971501234567",
            jobs_summary=summary,
            workers=[{"name": "Ravi Kumar", "id_number": "784-1990-1234567-6", "phone": "+971501112233"}],
            plates=plates,
        )
        if then is None:
            continue
        noc_version_upload(
            actor=SEED,
            permit=permit,
            noc_number=f"NOC-{first_noc + position}",
            issue_date=_in_days(-5),
            expiry_date=_in_days(90),
            file=ContentFile(_demo_pdf(summary), name="noc.pdf"),
        )
        permit_submit(actor=SEED, permit=permit)
        if then == "changes":
            permit_request_changes(actor=SEED, permit=permit, note="Please attach the building's signed NOC.")
        elif then == "reject":
            permit_reject(actor=SEED, permit=permit, reason="Move-ins are booked through the concierge.")
        elif then == "cancel":
            permit_cancel(actor=SEED, permit=permit, reason="Work postponed.")


def _demo_pdf(text: str) -> bytes:
    body = f"BT /F1 18 Tf 72 720 Td (NOC - {text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(body)).encode() + b" >>\nstream\n" + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
