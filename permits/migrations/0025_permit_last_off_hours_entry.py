"""The outside-hours flag reads each permit's latest off-hours entry instead of a semi-join on the scans.

Filled from the scans already marked (``GateScan.off_hours``); scans recorded from now on keep it up to date
(``permits.services.scan_counts.scan_off_hours_mark``). The new index is built before the scans' time index
it replaces is dropped.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_latest_off_hours_entries(apps, schema_editor):
    GateScan = apps.get_model("permits", "GateScan")
    Permit = apps.get_model("permits", "Permit")
    latest = GateScan.objects.filter(permit=OuterRef("pk"), off_hours=True).order_by("-scanned_at")
    Permit.objects.filter(pk__in=GateScan.objects.filter(off_hours=True).values("permit_id")).update(
        last_off_hours_entry_at=Subquery(latest.values("scanned_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("permits", "0024_audit_weekly_indexes")]

    operations = [
        migrations.AddField(
            model_name="permit",
            name="last_off_hours_entry_at",
            field=models.DateTimeField(
                blank=True,
                help_text="The latest gate entry outside the permit's daily hours.",
                null=True,
                verbose_name="last entry outside hours",
            ),
        ),
        migrations.RunPython(fill_latest_off_hours_entries, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="permit",
            index=models.Index(
                condition=models.Q(("last_off_hours_entry_at__isnull", False), ("status__in", ["approved", "active"])),
                fields=["community", "last_off_hours_entry_at"],
                name="permit_off_hours_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="gatescan", name="scan_off_hours_time_idx"),
    ]
