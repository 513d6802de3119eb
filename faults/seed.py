"""The run's own database, created fresh, and the estate the changes are made on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from .config import API_KEY, BUZZIN_KEY, Plan
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


@dataclass
class Estate:
    community_id: int
    membership_id: int
    permit_ids: list[int]
    references: dict[int, str]
    base_till: datetime.datetime  # change i sets valid_till = base_till + i minutes


def seed_estate(permit_count: int) -> Estate:
    """A community, a tower with units, a contractor (pending) and complete draft permits, ready to submit."""
    from django.db import transaction
    from django.utils import timezone

    from contractors.choices import MembershipStatus
    from contractors.models import Contractor, ContractorMembership
    from permits.models import NocVersion, Permit, Worker
    from permits.validators import make_emirates_id
    from portal.api.keys import api_key_create
    from portal.core.actors import Actor
    from portal.core.models import Community, Property, Unit
    from portal.integrations.buzzin.models import BuzzinCommunity

    today = timezone.localdate()
    far = today + datetime.timedelta(days=800)
    now = timezone.now().astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        community = Community.objects.create(name="Faults Community", slug="faults", parking_zone="ZONE-A")
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
        permits = []
        for index in range(permit_count):
            permit = Permit.objects.create(
                community=community,
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
            Worker.objects.create(permit=permit, name="Ravi Kumar", id_number=make_emirates_id(1990, index))
            NocVersion.objects.create(
                permit=permit,
                version=1,
                document_url=f"https://docs.example.com/noc/{index}.pdf",
                noc_number=f"NOC-F{index:05d}",
                issue_date=today - datetime.timedelta(days=3),
                expiry_date=far,
            )
            permits.append(permit)
        api_key_create(actor=Actor.system("fault tests"), community=community, name="faults", raw_key=API_KEY)
    return Estate(
        community_id=community.pk,
        membership_id=membership.pk,
        permit_ids=[p.pk for p in permits],
        references={p.pk: p.reference for p in permits},
        base_till=now + datetime.timedelta(days=20),
    )


def approve_contractor(estate: Estate) -> None:
    from django.db import transaction

    from contractors.models import ContractorMembership
    from contractors.services import contractor_approve
    from portal.core.actors import Actor

    with transaction.atomic():
        membership = ContractorMembership.objects.get(pk=estate.membership_id)
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


def sandbox_state(sandbox_url: str) -> dict:
    import requests

    return requests.get(f"{sandbox_url}/_sandbox/state", timeout=10).json()


def accept_at_partner(estate: Estate, sandbox_url: str) -> None:
    """The contractor approved and every permit accepted by Buzz-In, through the workers."""
    from .report import open_rows

    approve_contractor(estate)
    wait_until(
        lambda: any(c["approved"] for c in sandbox_state(sandbox_url)["contractors"]),
        timeout=60,
        message="Buzz-In to approve the contractor",
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
