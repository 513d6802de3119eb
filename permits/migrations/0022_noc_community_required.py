"""The NOC version's community is required; the dashboard's index of current NOCs by community and day."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0021_noc_community"),
    ]

    operations = [
        migrations.AlterField(
            model_name="nocversion",
            name="community",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.community",
                verbose_name="community",
            ),
        ),
        migrations.AddIndex(
            model_name="nocversion",
            index=models.Index(
                condition=models.Q(("is_current", True)),
                fields=["community", "expiry_date"],
                name="noc_community_expiry_idx",
            ),
        ),
    ]
