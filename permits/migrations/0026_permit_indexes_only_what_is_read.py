"""Permit indexes hold only what a query reads: each one is written again by every status change (no status change
is a HOT update, ``status`` being indexed), a hundred thousand times in a large expiry sweep.

- The ``created_by`` index is dropped: nothing looks permits up by their creator; it served only the ``SET NULL``
  of deleting a user.
- ``permit_crm_reference_per_community`` keeps only the permits a CRM numbered: two NULLs never clash, so the
  uniqueness is the same, and the permits made in the portal are not in it. Replaced in the migration's transaction.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contractors", "0006_attention_on_the_permit_in_any_language"),
        ("core", "0013_merge_i18n"),
        ("permits", "0025_permit_last_off_hours_entry"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="permit",
            name="permit_crm_reference_per_community",
        ),
        migrations.AlterField(
            model_name="permit",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AddConstraint(
            model_name="permit",
            constraint=models.UniqueConstraint(
                condition=models.Q(("crm_reference__isnull", False)),
                fields=("community", "crm_reference"),
                name="permit_crm_reference_per_community",
            ),
        ),
    ]
