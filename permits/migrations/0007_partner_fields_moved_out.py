"""Buzz-In's ids and states and OPS-COM's references now live in the integrations layer's tables."""

from django.db import migrations, models

import portal.core.references
import functools


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0006_crm_reference_unique_per_community"),
    ]

    operations = [
        migrations.RemoveField(model_name="permit", name="buzzin_event_at"),
        migrations.RemoveField(model_name="permit", name="buzzin_id"),
        migrations.RemoveField(model_name="permit", name="buzzin_status"),
        migrations.RemoveField(model_name="vehicle", name="parking_reference"),
        migrations.AlterField(
            model_name="permit",
            name="reference",
            field=models.CharField(
                default=functools.partial(portal.core.references.new_reference, *("a1P",), **{}),
                editable=False,
                help_text="Public reference, stable once given: the partners know the permit by it.",
                max_length=18,
                unique=True,
            ),
        ),
    ]
