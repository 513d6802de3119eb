"""The outbox and the partners' ids now belong to the integrations layer (which copied them first)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_delivery_state_abandoned"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DeliveryAttempt"),
                migrations.DeleteModel(name="OutboundDelivery"),
            ],
            database_operations=[],
        ),
        migrations.RemoveField(model_name="community", name="buzzin_api_key"),
        migrations.RemoveField(model_name="community", name="buzzin_community_id"),
        migrations.RemoveField(model_name="property", name="buzzin_id"),
        migrations.RemoveField(model_name="unit", name="buzzin_id"),
        migrations.AlterField(
            model_name="community",
            name="parking_zone",
            field=models.CharField(blank=True, help_text="Default parking zone of the properties.", max_length=100),
        ),
    ]
