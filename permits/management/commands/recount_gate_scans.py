"""``manage.py recount_gate_scans``: mark off-hours entries, rebuild the hourly counts and each worker's latest
move (``WorkerPresence``) from every scan.

Run once after the migration that added the counts (scans recorded before carry none), or after a bulk load.
Scans recorded through the portal keep all three up to date on their own.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from permits.services.scan_counts import gate_scan_hours_rebuild, gate_scans_off_hours_mark, worker_presence_rebuild


class Command(BaseCommand):
    help = "Mark off-hours entries, rebuild the hourly scan counts and the workers' latest moves from every gate scan."

    def add_arguments(self, parser):
        parser.add_argument("--community", type=int, action="append", help="only this community id (repeatable)")

    def handle(self, *args, community=None, **options):
        marked = gate_scans_off_hours_mark(community_ids=community)
        hours = gate_scan_hours_rebuild(community_ids=community)
        workers = worker_presence_rebuild(community_ids=community)
        self.stdout.write(
            f"{marked} off-hours entries marked; {hours} hourly counts written; {workers} workers placed."
        )
