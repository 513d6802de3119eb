"""Reminders mailed before notifications existed (core's NotificationLog) become read notifications
under the same keys, so none is mailed a second time; then core drops NotificationLog (core 0006)."""

from django.db import migrations

KINDS = (
    ("reminder:permit:", "permit_ending"),
    ("reminder:noc:", "noc_expiring"),
    ("reminder:contractor:", "document_expiring"),
    ("permit:", "permit_ending"),  # Buzz-In's "expiring" webhook: permit:<id>:expiring:<end>
)
BATCH = 1000


def _kind(key: str) -> str | None:
    return next((kind for prefix, kind in KINDS if key.startswith(prefix)), None)


def copy_log(apps, schema_editor):
    NotificationLog = apps.get_model("core", "NotificationLog")
    Notification = apps.get_model("notifications", "Notification")
    User = apps.get_model("auth", "User")
    users: dict[str, list[int]] = {}
    for pk, email in User.objects.exclude(email="").values_list("pk", "email"):
        users.setdefault(email.strip().lower(), []).append(pk)
    rows = []
    for row in NotificationLog.objects.order_by("pk").iterator():
        key, _, address = row.key.rpartition(":to:")
        kind = _kind(key)
        if not key or kind is None or address != row.recipient:
            continue  # not a reminder, or a key shortened for a long address: nothing to match it with
        for user_id in users.get(row.recipient.strip().lower(), []):
            rows.append(
                Notification(
                    recipient_id=user_id,
                    kind=kind,
                    key=key,
                    data={"subject": row.subject},
                    email="none",
                    created_at=row.sent_at,
                    read_at=row.sent_at,
                )
            )
        if len(rows) >= BATCH:
            Notification.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("core", "0006_outbox_and_partner_fields_moved_out"),
        # The staff groups grant a permission on NotificationLog: they must exist before it goes.
        ("integrations", "0007_staff_groups"),
    ]
    run_before = [("core", "0007_delete_notificationlog")]

    operations = [migrations.RunPython(copy_log, migrations.RunPython.noop)]
