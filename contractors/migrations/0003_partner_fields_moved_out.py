"""A company's Buzz-In id and its standing there now live in the integrations layer's tables."""

from django.db import migrations, models

import portal.core.references
import functools


class Migration(migrations.Migration):
    dependencies = [
        ("contractors", "0002_normalize_contact"),
    ]

    operations = [
        migrations.RemoveField(model_name="contractormembership", name="buzzin_event_at"),
        migrations.RemoveField(model_name="contractormembership", name="buzzin_id"),
        migrations.RemoveField(model_name="contractormembership", name="buzzin_state"),
        migrations.AlterField(
            model_name="contractor",
            name="reference",
            field=models.CharField(
                default=functools.partial(portal.core.references.new_reference, *("a0C",), **{}),
                editable=False,
                help_text="Public reference, stable once given: the partners know the company by it.",
                max_length=18,
                unique=True,
            ),
        ),
    ]
