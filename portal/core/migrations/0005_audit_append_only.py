"""The audit log becomes append-only where it lives.

Deleting a user or a community no longer rewrites audit rows (the ids stay, without a database constraint),
then triggers refuse every UPDATE and DELETE of an audit row (``portal.core.audit_guard``, which also says
how flush keeps working). The foreign keys change first: on SQLite that change rebuilds the table, which
would drop triggers installed before it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from portal.core.audit_guard import install_for_migration, uninstall_for_migration


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_community_country_and_limits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="community",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                to="core.community",
            ),
        ),
        migrations.RunPython(install_for_migration, uninstall_for_migration),
    ]
