from django.db import migrations, models


class Migration(migrations.Migration):
    """The sequence index covers open rows only (see ``OutboundDelivery.Meta``); built before the old one goes."""

    dependencies = [
        ("core", "0013_merge_i18n"),
        ("integrations", "0013_verbose_names_translatable"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="outbounddelivery",
            index=models.Index(
                condition=models.Q(("state__in", ["pending", "sending", "failed"])),
                fields=["sequence_key", "id"],
                name="delivery_open_sequence_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="outbounddelivery", name="delivery_sequence_idx"),
    ]
