"""The outbox and the partners' ids now belong to the integrations layer (which copied them first)."""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_audit_append_only"),
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
        migrations.AlterField(
            model_name="community",
            name="parking_fee",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Per vehicle, sent to the parking operator. Empty: no fee.",
                max_digits=9,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.01")),
                    django.core.validators.MaxValueValidator(Decimal("999999.99")),
                ],
            ),
        ),
    ]
