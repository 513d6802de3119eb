"""The run's own database, created fresh, and the estate the changes are made on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from .config import API_KEY, BUZZIN_KEY, OPSCOM_CODE, OPSCOM_TOKEN, PARKING_ZONE, Plan
from .procs import wait_until

ACTION_EXTENDED = "permits.permit.extended"


def create_database(plan: Plan) -> None:
    """Drop and create the faults database (PostgreSQL) or remove the SQLite file; before Django is set up."""
    if plan.postgres:
        import environ
        import psycopg

        config = environ.Env.db_url_config(plan.database_url)
        name = config["NAME"]
        conninfo = {
            "host": config.get("HOST") or "127.0.0.1",
            "port": config.get("PORT") or 5432,
            "user": config.get("USER") or "postgres",
            "password": config.get("PASSWORD") or None,
            "dbname": "postgres",
        }
        with psycopg.connect(**{k: v for k, v in conninfo.items() if v is not None}, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        path = Path(plan.database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)


CHURN_CONTRACTORS = 4  # companies approved and revoked again and again during the run (they hold no permits)


@dataclass
class Estate:
    community_id: int
    membership_id: int
    permit_ids: list[int]
    references: dict[int, str]
    base_till: datetime.datetime  # change i sets valid_till = base_till + i minutes
    churn_membership_ids: list[int]


def seed_estate(permit_count: int) -> Estate:
    """A community, a tower with units, a contractor (pending) and complete draft permits, ready to submit."""
    from django.db import transaction
    from django.utils import timezone

    from contractors.choices import MembershipStatus
    from contractors.models import Contractor, ContractorMembership
    from portal.api.keys import api_key_create
    from portal.core.actors import Actor
    from portal.core.models import Community, Property, Unit
    from portal.integrations.buzzin.models import BuzzinCommunity

    today = timezone.localdate()
    far = today + datetime.timedelta(days=800)
    now = timezone.now().astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        community = Community.objects.create(name="Faults Community", slug="faults", parking_zone=PARKING_ZONE)
        BuzzinCommunity.objects.create(community=community, buzzin_id="fa" * 12, api_key=BUZZIN_KEY)
        tower = Property.objects.create(community=community, name="Faults Tower", external_id="FLT-TWR-01")
        units = [
            Unit.objects.create(property=tower, name=f"Unit {n}", external_id=f"FLT-UNIT-{n:04d}")
            for n in range(1, min(permit_count, 50) + 1)
        ]
        contractor = Contractor.objects.create(
            company_name="Faults Fit-Out LLC",
            contact_name="Omar Haddad",
            email="faults@example.com",
            phone="+971500000001",
            trade_licence_number="TL-FAULTS",
            trade_licence_expiry=far,
            insurance_expiry=far,
        )
        membership = ContractorMembership.objects.create(
            contractor=contractor, community=community, status=MembershipStatus.PENDING
        )
        churn = []
        for number in range(1, CHURN_CONTRACTORS + 1):
            company = Contractor.objects.create(
                company_name=f"Faults Churn {number} LLC",
                contact_name="Sara Nasser",
                email=f"churn{number}@example.com",
                phone=f"+9715000001{number:02d}",
                trade_licence_number=f"TL-CHURN-{number}",
                trade_licence_expiry=far,
                insurance_expiry=far,
            )
            churn.append(
                ContractorMembership.objects.create(
                    contractor=company, community=community, status=MembershipStatus.PENDING
                )
            )
        permits = [draft_permit(tower, units, contractor, index, now=now, far=far) for index in range(permit_count)]
        api_key_create(actor=Actor.system("fault tests"), community=community, name="faults", raw_key=API_KEY)
    return Estate(
        community_id=community.pk,
        membership_id=membership.pk,
        permit_ids=[p.pk for p in permits],
        references={p.pk: p.reference for p in permits},
        base_till=now + datetime.timedelta(days=20),
        churn_membership_ids=[m.pk for m in churn],
    )


def draft_permit(tower, units, contractor, index: int, *, now, far, vehicles: int = 1):
    """A complete draft (dates, times, a worker, a current NOC, ``vehicles`` vehicles), ready to submit."""
    from permits.models import NocVersion, Permit, Vehicle, Worker
    from permits.validators import make_emirates_id

    permit = Permit.objects.create(
        community=tower.community,
        property=tower,
        main_unit=units[index % len(units)],
        contractor=contractor,
        valid_from=now + datetime.timedelta(days=1),
        valid_till=now + datetime.timedelta(days=10),
        time_in=datetime.time(8, 0),
        time_out=datetime.time(17, 0),
        representative_name="Omar Haddad",
        representative_contact="+971501234567",
        jobs_summary="Fault-test fit-out.",
    )
    Worker.objects.create(permit=permit, name="Ravi Kumar", id_number=make_emirates_id(1990, index % 100000))
    NocVersion.objects.create(
        permit=permit,
        version=1,
        document_url=f"https://docs.example.com/noc/{index}.pdf",
        noc_number=f"NOC-F{index:05d}",
        issue_date=(now - datetime.timedelta(days=3)).date(),
        expiry_date=far,
    )
    for position in range(1, vehicles + 1):
        Vehicle.objects.create(permit=permit, plate=f"F{index:05d}{position}", position=position)
    return permit


def approve_contractor(estate: Estate) -> None:
    from django.db import transaction

    from contractors.models import ContractorMembership
    from contractors.services import contractor_approve
    from portal.core.actors import Actor

    with transaction.atomic():
        for membership_id in (estate.membership_id, *estate.churn_membership_ids):
            membership = ContractorMembership.objects.get(pk=membership_id)
            contractor_approve(actor=Actor.system("fault tests"), membership=membership)


def approve_permits(estate: Estate) -> None:
    """Submit and approve: each permit's ``permit.create`` and ``permit.submit`` go to Buzz-In."""
    from permits import services
    from permits.models import Permit
    from portal.core.actors import Actor

    actor = Actor.system("fault tests")
    for permit_id in estate.permit_ids:
        permit = services.permit_submit(actor=actor, permit=Permit.objects.get(pk=permit_id))
        services.permit_approve(actor=actor, permit=permit)


def start_sandbox(env: dict[str, str], webhook_url: str | None = None, webhook_secret: str | None = None):
    """The Buzz-In sandbox in this process; its URL goes into ``env`` (for the processes started after) and the
    settings. Without a webhook URL it sends no webhooks: only the Buzz-In side is checked."""
    import os

    from django.conf import settings

    from sandboxes.buzzin import start_sandbox as start
    from sandboxes.catalogue import buzzin_sandbox_communities

    options = {"webhook_url": webhook_url, "webhook_secret": webhook_secret} if webhook_url else {}
    sandbox = start(
        communities=buzzin_sandbox_communities(), accept_delay=0.2, auto_approve_contractors_after=0.2, **options
    )
    env["BUZZIN_API_URL"] = os.environ["BUZZIN_API_URL"] = settings.BUZZIN_API_URL = sandbox.url
    return sandbox


def start_opscom_sandbox(env: dict[str, str]):
    """The OPS-COM sandbox in this process, with the run's client code, token and zone."""
    import os

    from django.conf import settings

    from sandboxes.opscom import start_sandbox as start

    sandbox = start(client_code=OPSCOM_CODE, api_token=OPSCOM_TOKEN, zones={PARKING_ZONE})
    env["OPSCOM_API_URL"] = os.environ["OPSCOM_API_URL"] = settings.OPSCOM_API_URL = sandbox.url
    return sandbox


def activate_permits(estate: Estate, sandbox_url: str) -> None:
    """What Buzz-In's ``passes.permits.issued`` does (the run sends no webhooks): each accepted permit becomes
    active with its pass, and its vehicles go to OPS-COM."""
    from permits.models import Permit
    from permits.services.external import PassDetails, permit_apply_pass_issued
    from portal.core.actors import Actor

    actor = Actor.system("fault tests")
    remote = {p["salesforcePermitId"]: p for p in sandbox_state(sandbox_url)["permits"]}
    for permit in Permit.objects.filter(pk__in=estate.permit_ids):
        theirs = remote[permit.reference]
        details = PassDetails(
            pass_number=theirs["passNumber"],
            access_code=theirs["accessCode"],
            documentation_url=theirs.get("permitDocumentationUrl") or "",
        )
        permit_apply_pass_issued(actor=actor, permit=permit, fresh=True, details=details)


def sandbox_state(sandbox_url: str) -> dict:
    import requests

    return requests.get(f"{sandbox_url}/_sandbox/state", timeout=10).json()


def accept_at_partner(estate: Estate, sandbox_url: str, *, activate: bool = False) -> None:
    """The contractors approved and every permit accepted by Buzz-In, through the workers; with ``activate``, the
    permits active with their pass and their vehicles parked at OPS-COM (which must then be running)."""
    from .report import open_rows

    approve_contractor(estate)
    wait_until(
        lambda: sum(c["approved"] for c in sandbox_state(sandbox_url)["contractors"]) == 1 + CHURN_CONTRACTORS,
        timeout=60,
        message="Buzz-In to approve the contractors",
    )
    approve_permits(estate)
    wait_until(lambda: open_rows() == 0, timeout=180, interval=0.3, message="the setup deliveries")
    wait_until(
        lambda: (
            sum(p["statusName"] == "ACCEPTED" for p in sandbox_state(sandbox_url)["permits"]) == len(estate.permit_ids)
        ),
        timeout=60,
        message="Buzz-In to accept every permit",
    )
    if activate:
        activate_permits(estate, sandbox_url)
        wait_until(lambda: open_rows() == 0, timeout=180, interval=0.3, message="the parking pushes")
