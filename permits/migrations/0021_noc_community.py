"""Each NOC version carries its permit's community (copied once: a permit never changes community).

Filled here, made required in 0022: on PostgreSQL the filled rows' deferred foreign-key checks would
block a NOT NULL in the same transaction."""

import django.db.models.deletion
from django.db import migrations, models

FILL = (
    "UPDATE permits_nocversion SET community_id = "
    "(SELECT permits_permit.community_id FROM permits_permit WHERE permits_permit.id = permits_nocversion.permit_id)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_merge_i18n"),
        ("permits", "0020_expiry_and_compliance_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="nocversion",
            name="community",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.community",
                verbose_name="community",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop, elidable=False),
    ]
