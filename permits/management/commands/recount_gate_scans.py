"""``manage.py recount_gate_scans``: mark off-hours entries and rebuild the hourly counts from every scan.

Run once after the migration that added them (scans recorded before carry neither), or after a bulk load.
Scans recorded through the portal keep both up to date on their own.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from permits.services.scan_counts import gate_scan_hours_rebuild, gate_scans_off_hours_mark


class Command(BaseCommand):
    help = "Mark off-hours entries and rebuild the hourly scan counts from every gate scan."

    def add_arguments(self, parser):
        parser.add_argument("--community", type=int, action="append", help="only this community id (repeatable)")

    def handle(self, *args, community=None, **options):
        marked = gate_scans_off_hours_mark(community_ids=community)
        hours = gate_scan_hours_rebuild(community_ids=community)
        self.stdout.write(f"{marked} off-hours entries marked; {hours} hourly counts written.")
