"""The worker presence rows "On site now" and overstay read: kept with each scan, whatever the order scans
arrive in, rebuilt by the recount and the migration's backfill; the scan pages in constant queries."""

from __future__ import annotations

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permits.choices import ScanDirection, ScanKind
from permits.models import WorkerPresence
from permits.services.scan_counts import worker_presence_rebuild
from tests.factories import PropertyFactory

from .conftest import DAY, live_permit, local, logged_in, make_manager, scan
from .test_on_site import scanned

pytestmark = pytest.mark.django_db

NOON = local(DAY, 12)
EXIT = ScanDirection.EXIT


def presence(permit, name="Ravi Kumar") -> tuple[bool, datetime.datetime] | None:
    row = WorkerPresence.objects.filter(permit=permit, employee_name=name).first()
    return (row.inside, row.scanned_at) if row else None


def everyone() -> list[tuple]:
    return sorted(
        WorkerPresence.objects.values_list(
            "permit_id", "community_id", "property_id", "employee_name", "scan_id", "scanned_at", "inside"
        )
    )


@pytest.fixture
def manager_of_active(active_permit):
    return logged_in(make_manager("presence-manager", active_permit.community))


@time_machine.travel(NOON, tick=False)
def test_entry_then_exit_through_the_webhook_keeps_one_row_and_drops_the_worker(
    deliver, active_permit, manager_of_active
):
    entry, leave = NOON - datetime.timedelta(minutes=20), NOON - datetime.timedelta(minutes=5)
    deliver(scanned(active_permit, entry, "entry"))
    assert presence(active_permit) == (True, entry)
    page = manager_of_active.get(reverse("admin:permits_gatescan_on_site"))
    assert page.context["total"] == 1

    deliver(scanned(active_permit, leave, "exit"))
    assert presence(active_permit) == (False, leave)
    assert WorkerPresence.objects.filter(permit=active_permit).count() == 1
    fragment = manager_of_active.get(reverse("admin:permits_gatescan_on_site_fragment"))
    assert fragment.context["total"] == 0 and "Ravi Kumar" not in fragment.content.decode()


def test_an_earlier_scan_arriving_late_does_not_move_the_worker(permit_a):
    scan(permit_a, local(DAY, 17), EXIT)
    scan(permit_a, local(DAY, 9))  # the morning's entry, reported after the evening's exit
    assert presence(permit_a) == (False, local(DAY, 17))


def test_the_later_recorded_wins_a_tie(permit_a):
    scan(permit_a, local(DAY, 9))
    scan(permit_a, local(DAY, 9), EXIT)
    assert presence(permit_a) == (False, local(DAY, 9))


def test_each_name_on_a_pass_is_its_own_worker(permit_a):
    scan(permit_a, local(DAY, 9), name="Ravi Kumar")
    scan(permit_a, local(DAY, 9, 5), name="Ali Hassan")
    scan(permit_a, local(DAY, 16), EXIT, name="Ravi Kumar")
    assert presence(permit_a, "Ravi Kumar") == (False, local(DAY, 16))
    assert presence(permit_a, "Ali Hassan") == (True, local(DAY, 9, 5))


def test_scans_without_a_direction_and_notices_do_not_move_the_worker(permit_a):
    scan(permit_a, local(DAY, 9))
    scan(permit_a, local(DAY, 10), ScanDirection.UNKNOWN)
    scan(permit_a, local(DAY, 11), EXIT, kind=ScanKind.LAST)
    assert presence(permit_a) == (True, local(DAY, 9))


def _scans_of_a_day(permit_a, permit_b):
    scan(permit_a, local(DAY, 9), name="Ravi Kumar")
    scan(permit_a, local(DAY, 9, 30), name="Ali Hassan")
    scan(permit_a, local(DAY, 16), EXIT, name="Ravi Kumar")
    scan(permit_a, local(DAY, 8))  # Ravi's entry, reported late
    scan(permit_b, local(DAY, 7), name="Worker Bravo")


def test_the_rebuild_restores_what_the_scans_kept(permit_a, permit_b):
    _scans_of_a_day(permit_a, permit_b)
    kept = everyone()
    assert len(kept) == 3
    WorkerPresence.objects.all().delete()
    assert worker_presence_rebuild(community_ids=[permit_a.community_id]) == 2
    assert worker_presence_rebuild() == 3
    assert everyone() == kept


def test_the_migration_backfills_the_same_rows(permit_a, permit_b):
    _scans_of_a_day(permit_a, permit_b)
    kept = everyone()
    WorkerPresence.objects.all().delete()
    migration = importlib.import_module("permits.migrations.0016_worker_presence_backfill")
    migration.backfill(apps, None)
    assert everyone() == kept


# --- the same number of queries for a small and a bigger community ---


PAGES = ["admin:permits_gatescan_on_site", "admin:permits_gatescan_on_site_fragment", "admin:index"]


@time_machine.travel(local(DAY, 18), tick=False)  # after 17:30: the inside are overstaying, every flag at work
@pytest.mark.parametrize("page", PAGES)
def test_scan_pages_answer_in_the_same_number_of_queries_small_or_big(
    page, permit_a, manager_client, community_a, contractor_a
):
    scan(permit_a, local(DAY, 6), name="Early")  # outside hours, still inside

    def queries() -> int:
        manager_client.get(reverse(page))
        with CaptureQueriesContext(connection) as captured:
            response = manager_client.get(reverse(page))
        assert response.status_code == 200
        return len(captured)

    few = queries()
    towers = [permit_a.property, PropertyFactory(community=community_a, name="Second Tower")]
    for index in range(24):
        permit = live_permit(
            community_a, towers[index % 2], contractor_a, start=local(DAY - datetime.timedelta(days=9), 6)
        )
        scan(permit, local(DAY, 6 + index % 4), name=f"Worker {index}")
        if index % 3 == 0:
            scan(permit, local(DAY, 16), EXIT, name=f"Worker {index}")
    assert queries() == few
