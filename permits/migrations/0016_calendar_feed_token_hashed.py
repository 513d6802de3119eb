"""Calendar feed tokens stored as their SHA-256 only; addresses already handed out keep working."""

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("permits", "CalendarFeed")
    for feed in CalendarFeed.objects.all():
        feed.token_hash = hashlib.sha256(feed.token.encode("utf-8", "replace")).hexdigest()
        feed.prefix = feed.token[:6]
        feed.save(update_fields=["token_hash", "prefix"])


class Migration(migrations.Migration):
    dependencies = [("permits", "0015_attention_on_the_permit_in_any_language")]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="token hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="calendarfeed",
            name="prefix",
            field=models.CharField(
                default="",
                editable=False,
                help_text="The token's first characters, to recognise an address.",
                max_length=6,
                verbose_name="prefix",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True, verbose_name="token hash"),
        ),
    ]
