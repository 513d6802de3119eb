"""The reminders job moved from ``permits.send_reminders`` to ``notifications.send_reminders``."""

from django.db import migrations

OLD, NEW = "permits.send_reminders", "notifications.send_reminders"


def rename(apps, schema_editor, old=OLD, new=NEW):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=old).update(task=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_reminders_already_sent"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
