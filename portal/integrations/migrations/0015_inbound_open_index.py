from django.db import migrations, models


class Migration(migrations.Migration):
    """The inbox's events still to do or failed, by arrival (see ``InboundEvent.Meta``): the relay and /metrics
    read them without scanning the whole inbox. The model's names become translatable (no schema change)."""

    dependencies = [("integrations", "0014_delivery_open_sequence_index")]

    operations = [
        migrations.AlterModelOptions(
            name="inboundevent",
            options={
                "ordering": ["-received_at", "-id"],
                "verbose_name": "inbound webhook event",
                "verbose_name_plural": "inbound webhook events",
            },
        ),
        migrations.AddIndex(
            model_name="inboundevent",
            index=models.Index(
                condition=models.Q(("state__in", ["received", "failed"])),
                fields=["state", "received_at"],
                name="inbound_open_idx",
            ),
        ),
    ]
