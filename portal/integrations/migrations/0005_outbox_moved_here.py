"""The outbox moves from core to the integrations layer: state only, the tables stay where they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0004_property_managers_repair_drifts"),
        ("core", "0005_audit_append_only"),
    ]
    # Core then forgets the models (its 0004); this layer names the order, core never names this layer.
    run_before = [("core", "0006_outbox_and_partner_fields_moved_out")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboundDelivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "partner",
                            models.CharField(choices=[("buzzin", "Buzz-In"), ("opscom", "OPS-COM")], max_length=16),
                        ),
                        ("operation", models.CharField(max_length=40)),
                        ("target_type", models.CharField(max_length=50)),
                        ("target_id", models.CharField(max_length=64)),
                        ("sequence_key", models.CharField(max_length=100)),
                        (
                            "params",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="What the payload cannot rebuild from current state.",
                            ),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("sending", "Sending"),
                                    ("succeeded", "Succeeded"),
                                    ("failed", "Failed"),
                                    ("abandoned", "Given up"),
                                ],
                                default="pending",
                                max_length=16,
                            ),
                        ),
                        ("attempt_count", models.PositiveIntegerField(default=0)),
                        ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                        ("last_error", models.TextField(blank=True)),
                        ("error_kind", models.CharField(blank=True, max_length=32)),
                        ("result", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("completed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "community",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="deliveries",
                                to="core.community",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "partner delivery",
                        "verbose_name_plural": "partner deliveries",
                        "ordering": ["-id"],
                        "db_table": "core_outbounddelivery",
                        "indexes": [
                            models.Index(fields=["sequence_key", "id"], name="delivery_sequence_idx"),
                            models.Index(
                                condition=models.Q(("state__in", ["pending", "sending", "failed"])),
                                fields=["state", "next_attempt_at"],
                                name="delivery_open_idx",
                            ),
                            models.Index(fields=["target_type", "target_id"], name="delivery_target_idx"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DeliveryAttempt",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("started_at", models.DateTimeField()),
                        ("duration_ms", models.PositiveIntegerField(default=0)),
                        (
                            "request_summary",
                            models.TextField(blank=True, help_text="Method, path and body with secrets redacted."),
                        ),
                        ("status_code", models.PositiveIntegerField(blank=True, null=True)),
                        ("response_excerpt", models.TextField(blank=True)),
                        ("error", models.TextField(blank=True)),
                        ("outcome", models.CharField(help_text="succeeded, retry or failed", max_length=16)),
                        (
                            "delivery",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attempts",
                                to="integrations.outbounddelivery",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-started_at", "-id"],
                        "db_table": "core_deliveryattempt",
                    },
                ),
                migrations.AlterField(
                    model_name="drift",
                    name="repair_delivery",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="integrations.outbounddelivery",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
