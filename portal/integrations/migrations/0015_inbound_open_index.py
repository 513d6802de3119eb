from django.db import migrations, models


class Migration(migrations.Migration):
    """The inbox's events still to do or failed, by arrival (see ``InboundEvent.Meta``): the relay and /metrics
    read them without scanning the whole inbox."""

    dependencies = [("integrations", "0014_delivery_open_sequence_index")]

    operations = [
        migrations.AddIndex(
            model_name="inboundevent",
            index=models.Index(
                condition=models.Q(("state__in", ["received", "failed"])),
                fields=["state", "received_at"],
                name="inbound_open_idx",
            ),
        ),
    ]
