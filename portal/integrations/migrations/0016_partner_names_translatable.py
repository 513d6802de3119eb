"""The partners' tables get translatable names, and plurals where "s" was wrong (no schema change)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0015_inbound_open_index"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="buzzincommunity",
            options={"verbose_name": "Buzz-In community", "verbose_name_plural": "Buzz-In communities"},
        ),
        migrations.AlterModelOptions(
            name="buzzincontractor",
            options={"verbose_name": "Buzz-In contractor", "verbose_name_plural": "Buzz-In contractors"},
        ),
        migrations.AlterModelOptions(
            name="buzzinmembership",
            options={"verbose_name": "Buzz-In membership", "verbose_name_plural": "Buzz-In memberships"},
        ),
        migrations.AlterModelOptions(
            name="buzzinpermit",
            options={"verbose_name": "Buzz-In permit", "verbose_name_plural": "Buzz-In permits"},
        ),
        migrations.AlterModelOptions(
            name="buzzinunit",
            options={"verbose_name": "Buzz-In unit", "verbose_name_plural": "Buzz-In units"},
        ),
        migrations.AlterModelOptions(
            name="opscomparking",
            options={"verbose_name": "OPS-COM parking permit", "verbose_name_plural": "OPS-COM parking permits"},
        ),
    ]
