"""Each worker's latest move, from the scans recorded before ``WorkerPresence`` existed.

The same rule as ``permits.services.scan_counts.worker_presence_rebuild`` (kept here on the historical models):
per permit and employee name, the ``scanned`` entry or exit with the latest time, the later recorded on a tie.
``manage.py recount_gate_scans`` rebuilds the rows again at any time.
"""

import itertools

from django.db import migrations
from django.db.models import F, Window
from django.db.models.functions import RowNumber

MOVES = ["entry", "exit"]


def backfill(apps, schema_editor):
    GateScan = apps.get_model("permits", "GateScan")
    WorkerPresence = apps.get_model("permits", "WorkerPresence")
    latest = (
        GateScan.objects.filter(kind="scanned", direction__in=MOVES)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("permit_id"), F("employee_name")],
                order_by=[F("scanned_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
        .values_list(
            "pk", "permit_id", "permit__community_id", "permit__property_id", "employee_name", "scanned_at", "direction"
        )
    )
    rows = (
        WorkerPresence(
            scan_id=pk,
            permit_id=permit_id,
            community_id=community_id,
            property_id=property_id,
            employee_name=name,
            scanned_at=moment,
            inside=direction == "entry",
        )
        for pk, permit_id, community_id, property_id, name, moment, direction in latest.iterator(chunk_size=5000)
    )
    while batch := list(itertools.islice(rows, 5000)):
        WorkerPresence.objects.bulk_create(batch)


def forget(apps, schema_editor):
    apps.get_model("permits", "WorkerPresence").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0015_worker_presence_and_flag_indexes"),
    ]

    operations = [migrations.RunPython(backfill, forget)]
