"""Seed a large developer's estate fast: communities, towers, units, contractors, permits, workers, NOCs.

Everything goes in with COPY (never one ``save()`` per row). Seeding is incremental: calling
``seed_permits`` again adds permits after the highest id, so a workload can be measured at
1,000 permits and again at 1,000,000.
"""

from __future__ import annotations

import datetime
import multiprocessing
import random
import threading
import time
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.utils import timezone

from contractors.models import Contractor, ContractorMembership
from permits.models import NocVersion, Permit, PermitUnit, Worker
from portal.core.models import Community, Property, Unit
from portal.integrations.buzzin.models import BuzzinCommunity

from .copy import CopyTable, reset_sequence, text

COMMUNITIES = 40
PROPERTIES_PER_COMMUNITY = 25
UNITS_PER_PROPERTY = 100  # 100,000 units
CONTRACTORS = 10_000
INDEX_REBUILD_ABOVE = 200_000  # below this, keeping the indexes is cheaper than rebuilding them
STATUS_MIX = (
    ["expired"] * 50
    + ["active"] * 12
    + ["approved"] * 3
    + ["submitted"] * 8
    + ["draft"] * 6
    + ["rejected"] * 5
    + ["cancelled"] * 8
    + ["revoked"] * 4
    + ["archived"] * 3
    + ["changes_requested"] * 1
)


@dataclass
class Estate:
    communities: list[int]
    properties_by_community: dict[int, list[int]]
    first_unit_by_property: dict[int, int]
    contractors_by_community: dict[int, list[int]]


def seed_estate() -> Estate:
    """Communities, properties, units, contractors and memberships (idempotent: reused when present)."""
    if not Community.objects.filter(slug="bench-1").exists():
        _copy_estate()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return _load_estate()


def _copy_estate() -> None:
    with transaction.atomic():
        CopyTable(Community, ["id", "name", "slug", "parking_zone"]).write(
            (str(c), f"Bench Community {c}", f"bench-{c}", "ZONE-A") for c in range(1, COMMUNITIES + 1)
        )
        CopyTable(BuzzinCommunity, ["community_id", "buzzin_id", "api_key"]).write(
            (str(c), f"{c:024x}", "") for c in range(1, COMMUNITIES + 1)
        )
        properties = [
            (p, 1 + (p - 1) // PROPERTIES_PER_COMMUNITY) for p in range(1, COMMUNITIES * PROPERTIES_PER_COMMUNITY + 1)
        ]
        CopyTable(Property, ["id", "community_id", "name", "external_id"]).write(
            (str(p), str(c), f"Tower {p}", f"BENCH-TWR-{p:05d}") for p, c in properties
        )
        CopyTable(Unit, ["id", "property_id", "name", "external_id"]).write(
            (str(u), str(p), f"Unit {u}", f"UNIT-{u:06d}")
            for p, _ in properties
            for u in range((p - 1) * UNITS_PER_PROPERTY + 1, p * UNITS_PER_PROPERTY + 1)
        )
        expiry = (timezone.localdate() + datetime.timedelta(days=700)).isoformat()
        CopyTable(
            Contractor,
            [
                "id",
                "company_name",
                "reference",
                "contact_name",
                "email",
                "phone",
                "trade_licence_expiry",
                "insurance_expiry",
            ],
        ).write(
            (
                str(k),
                f"Contractor {k} LLC",
                f"a0C{k:015d}",
                "Bench Contact",
                f"c{k}@bench.example",
                f"+9715{k:08d}",
                expiry,
                expiry,
            )
            for k in range(1, CONTRACTORS + 1)
        )
        CopyTable(ContractorMembership, ["id", "contractor_id", "community_id", "status"]).write(
            (str(k), str(k), str(1 + (k - 1) % COMMUNITIES), "approved") for k in range(1, CONTRACTORS + 1)
        )
        for model in (Community, Property, Unit, Contractor, ContractorMembership):
            reset_sequence(model)


def _load_estate() -> Estate:
    communities = list(Community.objects.filter(slug__startswith="bench-").order_by("id").values_list("id", flat=True))
    properties: dict[int, list[int]] = {}
    for pk, community_id in Property.objects.filter(community_id__in=communities).values_list("id", "community_id"):
        properties.setdefault(community_id, []).append(pk)
    first_unit = {prop: (prop - 1) * UNITS_PER_PROPERTY + 1 for props in properties.values() for prop in props}
    contractors: dict[int, list[int]] = {}
    for contractor_id, community_id in ContractorMembership.objects.filter(community_id__in=communities).values_list(
        "contractor_id", "community_id"
    ):
        contractors.setdefault(community_id, []).append(contractor_id)
    return Estate(communities, properties, first_unit, contractors)


def seed_permits(estate: Estate, count: int, *, seed: int = 7, processes: int = 3) -> float:
    """Add ``count`` permits (with a worker, a current NOC and sometimes a second unit); returns permits/s.

    The clock covers everything: generating the rows, the COPYs, and (for a big load) dropping and
    rebuilding the non-unique indexes of the four tables.
    """
    started = time.perf_counter()
    first = {model: _next_id(model) for model in (Permit, Worker, NocVersion, PermitUnit)}
    rebuild = _drop_secondary_indexes() if count >= INDEX_REBUILD_ABOVE else []
    # Each process generates and copies its own slice of ids: Python's row building is the bottleneck,
    # so it runs on every core, not under one GIL. Foreign-key triggers are off for the load (the rows
    # are generated consistent), so the slices need no order between them.
    connections.close_all()
    slices = _slices(count, processes if count >= 10_000 else 1)
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_load_slice, args=(estate, first, offset, size, seed + number))
        for number, (offset, size) in enumerate(slices)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    failed = [worker.exitcode for worker in workers if worker.exitcode]
    if failed:
        raise RuntimeError(f"seeding processes failed with exit codes {failed}")
    _create_indexes(rebuild)
    for model in (Permit, Worker, NocVersion, PermitUnit):
        reset_sequence(model)
    rate = count / (time.perf_counter() - started)
    with connection.cursor() as cursor:
        for model in (Permit, Worker, NocVersion, PermitUnit):
            # As autovacuum leaves a settled table (visibility map set: index-only scans), not part of the rate.
            cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
    return rate


def _next_id(model) -> int:
    return (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1


def _slices(count: int, parts: int) -> list[tuple[int, int]]:
    size, rest = divmod(count, parts)
    slices, offset = [], 0
    for part in range(parts):
        length = size + (1 if part < rest else 0)
        slices.append((offset, length))
        offset += length
    return [item for item in slices if item[1]]


def _load_slice(estate: Estate, first: dict, offset: int, size: int, seed: int) -> None:
    try:
        rng = random.Random(seed)
        moments = _moments()
        plan = [_permit_plan(estate, rng, len(moments)) for _ in range(size)]
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("SET LOCAL synchronous_commit = off")
            _copy_permits(first[Permit] + offset, plan, moments)
            _copy_children(first, offset, plan, moments)
    finally:
        connection.close()


def _moments() -> list[str]:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    return [text(now + datetime.timedelta(hours=h)) for h in range(-24 * 900, 24 * 120, 7)]


def _drop_secondary_indexes() -> list[str]:
    """Drop the non-unique indexes of the permit tables; returns their definitions to build them again."""
    tables = [model._meta.db_table for model in (Permit, Worker, NocVersion, PermitUnit)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in indexes]


def _create_indexes(definitions: list[str], parallel: int = 2) -> None:
    """Build the dropped indexes again, on ``parallel`` connections (largest first)."""
    if not definitions:
        return
    queue = list(definitions)
    lock = threading.Lock()

    def build() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '512MB'")
                while True:
                    with lock:
                        if not queue:
                            return
                        definition = queue.pop(0)
                    cursor.execute(definition)
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _permit_plan(estate: Estate, rng: random.Random, moment_count: int) -> tuple:
    community = rng.choice(estate.communities)
    prop = rng.choice(estate.properties_by_community[community])
    unit = estate.first_unit_by_property[prop] + rng.randrange(UNITS_PER_PROPERTY)
    contractor = rng.choice(estate.contractors_by_community[community])
    start = rng.randrange(moment_count - 200)
    end = start + rng.randrange(4, 200)
    status = rng.choice(STATUS_MIX)
    extra_unit = estate.first_unit_by_property[prop] + rng.randrange(UNITS_PER_PROPERTY) if rng.random() < 0.1 else 0
    return community, prop, unit, contractor, start, end, status, extra_unit


def _copy_permits(start_id: int, plan: list[tuple], moments: list[str]) -> None:
    table = CopyTable(
        Permit,
        [
            "id",
            "reference",
            "community_id",
            "property_id",
            "main_unit_id",
            "contractor_id",
            "valid_from",
            "valid_till",
            "status",
            "submitted_at",
            "created_at",
            "status_changed_at",
            "time_in",
            "time_out",
            "representative_name",
            "representative_contact",
            "jobs_summary",
        ],
    )
    table.write(
        (
            str(pk),
            f"a1P{pk:015d}",
            str(community),
            str(prop),
            str(unit),
            str(contractor),
            moments[start],
            moments[end],
            status,
            moments[max(start - 3, 0)] if status == "submitted" else r"\N",
            moments[max(start - 5, 0)],
            moments[max(start - 3, 0)],
            "08:00:00",
            "17:00:00",
            "Bench Rep",
            "+971500000000",
            "Fit-out works.",
        )
        for pk, (community, prop, unit, contractor, start, end, status, _extra) in enumerate(plan, start=start_id)
    )


def _copy_children(first: dict, offset: int, plan: list[tuple], moments: list[str]) -> None:
    """One worker and one current NOC per permit, and the second unit of one permit in ten.

    Ids follow the permit's position in the load, so concurrent slices never collide.
    """
    start_id = first[Permit] + offset
    ids = range(start_id, start_id + len(plan))
    worker_id, noc_id, link_id = first[Worker] + offset, first[NocVersion] + offset, first[PermitUnit] + offset
    CopyTable(Worker, ["id", "permit_id", "name", "id_number", "phone"]).write(
        (str(worker_id + i), str(pk), f"Worker {pk}", f"784-{pk:011d}", "+971501112233") for i, pk in enumerate(ids)
    )
    CopyTable(
        NocVersion,
        [
            "id",
            "permit_id",
            "community_id",
            "version",
            "is_current",
            "file",
            "noc_number",
            "issue_date",
            "expiry_date",
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
        ],
    ).write(
        (
            str(noc_id + i),
            str(pk),
            str(step[0]),
            "1",
            "t",
            f"nocs/{pk}/bench",
            f"NOC-{pk}",
            moments[step[4]][:10],
            moments[min(step[5] + 30, len(moments) - 1)][:10],
            "noc.pdf",
            "application/pdf",
            "1000",
            moments[step[4]],
        )
        for i, (pk, step) in enumerate(zip(ids, plan, strict=True))
    )
    CopyTable(PermitUnit, ["id", "permit_id", "unit_id"]).write(
        (str(link_id + i), str(pk), str(step[7]))
        for i, (pk, step) in enumerate(zip(ids, plan, strict=True))
        if step[7] and step[7] != step[2]
    )
