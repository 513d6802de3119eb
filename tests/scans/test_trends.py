"""Scans and distinct workers per local day, busiest hours; counted as scans arrive, the same as a rebuild."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permits.choices import ScanDirection, ScanKind
from permits.models import GateScanHour, Permit
from permits.selectors.scans import busiest_hours, scan_trends
from permits.services.scan_counts import gate_scan_hours_rebuild

from .conftest import DAY, local, scan

pytestmark = pytest.mark.django_db

NEXT = DAY + datetime.timedelta(days=1)


def counts():
    return sorted(GateScanHour.objects.values_list("community_id", "day", "hour", "scans", "workers"))


@pytest.fixture
def scans_of_two_days(permit_a):
    scan(permit_a, local(DAY, 3, 59), name="Ravi Kumar")  # 23:59 UTC the day before: the community's DAY
    scan(permit_a, local(DAY, 9), ScanDirection.EXIT, name="Ravi Kumar")
    scan(permit_a, local(DAY, 9, 30), name="Ali Hassan")
    scan(permit_a, local(DAY, 9, 30), kind=ScanKind.FIRST, name="Ali Hassan")  # the same scan told again
    scan(permit_a, local(NEXT, 8), name="Ravi Kumar")
    return permit_a


def test_scans_and_distinct_workers_per_local_day(scans_of_two_days):
    community = scans_of_two_days.community_id
    [series] = scan_trends([community], today=NEXT, days=3).values()
    assert [(row["day"], row["scans"], row["workers"]) for row in series] == [
        (DAY - datetime.timedelta(days=1), 0, 0),
        (DAY, 3, 2),
        (NEXT, 1, 1),
    ]


def test_counts_kept_as_scans_arrive_equal_a_rebuild(scans_of_two_days):
    kept = counts()
    assert gate_scan_hours_rebuild() == len(kept)
    assert counts() == kept


def test_busiest_hours_by_weekday_and_local_hour(scans_of_two_days):
    heat = busiest_hours([scans_of_two_days.community_id], today=NEXT)[scans_of_two_days.community_id]
    tuesday, wednesday = heat["grid"][1], heat["grid"][2]  # DAY is a Tuesday; Monday is row 0
    assert (tuesday[3], tuesday[9], wednesday[8]) == (1, 2, 1)
    assert heat["peak"] == 2


@time_machine.travel(local(NEXT, 12), tick=False)
def test_dashboard_draws_the_chart_and_heat_map_in_constant_queries(scans_of_two_days, manager_client):
    url = reverse("admin:permits_gatescan_dashboard_panels")
    manager_client.get(url)
    with CaptureQueriesContext(connection) as before:
        manager_client.get(url)
    for hour in range(10, 14):
        scan(scans_of_two_days, local(DAY - datetime.timedelta(days=hour), hour), name=f"Worker {hour}")
    with CaptureQueriesContext(connection) as after:
        response = manager_client.get(url)
    assert len(after) == len(before)
    content = response.content.decode()
    assert 'id="dashboard-scan-trend-' in content and "<svg" in content and 'class="heat"' in content
    heat = content.split('class="heat"')[1].split("</table>")[0]
    assert re.findall(r'<th scope="col">(\d\d)</th>', heat) == [f"{hour:02d}" for hour in range(24)]
    assert heat.count('<tr><th scope="row">') == 7 and heat.count('<td class="h') == 7 * 24
    assert "<script" not in content.split('id="dashboard-scan-flags"')[1]


def test_off_hours_marks_kept_as_scans_arrive_equal_a_bulk_mark(permit_a):
    from permits.models import GateScan
    from permits.services.scan_counts import gate_scans_off_hours_mark

    for hour in (6, 9, 18):
        scan(permit_a, local(DAY, hour))
    scan(permit_a, local(DAY, 19), ScanDirection.EXIT)  # exits are never off hours
    kept = sorted(GateScan.objects.filter(off_hours=True).values_list("pk", flat=True))
    assert len(kept) == 2
    permit_a.refresh_from_db()
    assert permit_a.last_off_hours_entry_at == local(DAY, 18)
    GateScan.objects.update(off_hours=False)
    Permit.objects.update(last_off_hours_entry_at=None)
    assert gate_scans_off_hours_mark() == 2
    assert sorted(GateScan.objects.filter(off_hours=True).values_list("pk", flat=True)) == kept
    permit_a.refresh_from_db()
    assert permit_a.last_off_hours_entry_at == local(DAY, 18)


def test_an_off_hours_entry_reported_late_keeps_the_latest(permit_a):
    scan(permit_a, local(DAY, 18, 30))
    scan(permit_a, local(DAY, 6))  # earlier, reported after
    scan(permit_a, local(DAY, 9))  # inside the hours
    permit_a.refresh_from_db()
    assert permit_a.last_off_hours_entry_at == local(DAY, 18, 30)
    scan(permit_a, local(DAY + datetime.timedelta(days=1), 7))
    permit_a.refresh_from_db()
    assert permit_a.last_off_hours_entry_at == local(DAY + datetime.timedelta(days=1), 7)


def test_the_recount_command_restores_marks_and_counts(scans_of_two_days):
    from io import StringIO

    from django.core.management import call_command

    from permits.models import GateScan

    kept, marks = counts(), sorted(GateScan.objects.filter(off_hours=True).values_list("pk", flat=True))
    GateScanHour.objects.all().delete()
    GateScan.objects.update(off_hours=False)
    out = StringIO()
    call_command("recount_gate_scans", stdout=out)
    assert counts() == kept
    assert sorted(GateScan.objects.filter(off_hours=True).values_list("pk", flat=True)) == marks
    assert f"{len(marks)} off-hours entries marked" in out.getvalue()


def test_the_migration_fills_the_latest_off_hours_entry_from_the_marked_scans(permit_a, permit_b):
    import importlib

    from django.apps import apps

    fill = importlib.import_module("permits.migrations.0025_permit_last_off_hours_entry").fill_latest_off_hours_entries
    scan(permit_a, local(DAY, 6))
    scan(permit_a, local(DAY, 18))
    scan(permit_b, local(DAY, 9))  # inside the hours: nothing to fill
    Permit.objects.update(last_off_hours_entry_at=None)
    fill(apps, None)
    assert dict(Permit.objects.values_list("pk", "last_off_hours_entry_at")) == {
        permit_a.pk: local(DAY, 18),
        permit_b.pk: None,
    }
