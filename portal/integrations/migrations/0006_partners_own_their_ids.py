"""Partner ids and states move out of the domain tables into the integrations layer's own tables.

The outbox table takes this app's name, ``partner`` becomes ``subscriber`` (deliveries now follow domain
events, each subscriber with its own sequence keys), and every Buzz-In and OPS-COM id the domain rows held
is copied into the new tables before the domain apps drop their columns (their next migrations).
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_partner_data(apps, schema_editor):
    Community = apps.get_model("core", "Community")
    Property = apps.get_model("core", "Property")
    Unit = apps.get_model("core", "Unit")
    Permit = apps.get_model("permits", "Permit")
    Vehicle = apps.get_model("permits", "Vehicle")
    Membership = apps.get_model("contractors", "ContractorMembership")
    model = apps.get_model
    BuzzinCommunity, BuzzinProperty, BuzzinUnit = (
        model("integrations", name) for name in ("BuzzinCommunity", "BuzzinProperty", "BuzzinUnit")
    )
    BuzzinPermit, BuzzinContractor, BuzzinMembership, OpscomParking = (
        model("integrations", name)
        for name in ("BuzzinPermit", "BuzzinContractor", "BuzzinMembership", "OpscomParking")
    )
    BuzzinCommunity.objects.bulk_create(
        BuzzinCommunity(community_id=pk, buzzin_id=buzzin_id, api_key=key)
        for pk, buzzin_id, key in Community.objects.values_list("pk", "buzzin_community_id", "buzzin_api_key")
        if buzzin_id or key
    )
    BuzzinProperty.objects.bulk_create(
        BuzzinProperty(property_id=pk, buzzin_id=buzzin_id)
        for pk, buzzin_id in Property.objects.exclude(buzzin_id="").values_list("pk", "buzzin_id")
    )
    BuzzinUnit.objects.bulk_create(
        BuzzinUnit(unit_id=pk, buzzin_id=buzzin_id)
        for pk, buzzin_id in Unit.objects.exclude(buzzin_id="").values_list("pk", "buzzin_id")
    )
    permits = Permit.objects.exclude(buzzin_id="", buzzin_status="", buzzin_event_at=None)
    BuzzinPermit.objects.bulk_create(
        (
            BuzzinPermit(permit_id=pk, buzzin_id=buzzin_id, status=status, event_at=event_at)
            for pk, buzzin_id, status, event_at in permits.values_list(
                "pk", "buzzin_id", "buzzin_status", "buzzin_event_at"
            ).iterator()
        ),
        batch_size=2000,
    )
    OpscomParking.objects.bulk_create(
        (
            OpscomParking(vehicle_id=pk, reference_id=reference)
            for pk, reference in Vehicle.objects.exclude(parking_reference="")
            .values_list("pk", "parking_reference")
            .iterator()
        ),
        batch_size=2000,
    )
    company_ids = {}
    for pk, contractor_id, buzzin_id, state, event_at in Membership.objects.order_by("pk").values_list(
        "pk", "contractor_id", "buzzin_id", "buzzin_state", "buzzin_event_at"
    ):
        if buzzin_id:
            company_ids.setdefault(contractor_id, buzzin_id)  # one Buzz-In id per company: the first one known
        if state != "not_sent" or event_at:
            BuzzinMembership.objects.create(membership_id=pk, state=state, event_at=event_at)
    BuzzinContractor.objects.bulk_create(
        BuzzinContractor(contractor_id=contractor_id, buzzin_id=buzzin_id)
        for contractor_id, buzzin_id in company_ids.items()
    )
    Delivery = apps.get_model("integrations", "OutboundDelivery")
    for subscriber in ("buzzin", "opscom"):
        prefix = f"{subscriber}:"
        for pk, key in (
            Delivery.objects.filter(subscriber=subscriber)
            .exclude(sequence_key__startswith=prefix)
            .values_list("pk", "sequence_key")
            .iterator()
        ):
            Delivery.objects.filter(pk=pk).update(sequence_key=prefix + key)


def copy_partner_data_back(apps, schema_editor):
    model = apps.get_model
    for link in model("integrations", "BuzzinCommunity").objects.all():
        model("core", "Community").objects.filter(pk=link.community_id).update(
            buzzin_community_id=link.buzzin_id, buzzin_api_key=link.api_key
        )
    for name, target, field in (("BuzzinProperty", "Property", "property_id"), ("BuzzinUnit", "Unit", "unit_id")):
        for link in model("integrations", name).objects.all():
            model("core", target).objects.filter(pk=getattr(link, field)).update(buzzin_id=link.buzzin_id)
    for link in model("integrations", "BuzzinPermit").objects.all():
        model("permits", "Permit").objects.filter(pk=link.permit_id).update(
            buzzin_id=link.buzzin_id, buzzin_status=link.status, buzzin_event_at=link.event_at
        )
    for link in model("integrations", "OpscomParking").objects.all():
        model("permits", "Vehicle").objects.filter(pk=link.vehicle_id).update(parking_reference=link.reference_id)
    company = dict(model("integrations", "BuzzinContractor").objects.values_list("contractor_id", "buzzin_id"))
    Membership = model("contractors", "ContractorMembership")
    for contractor_id, buzzin_id in company.items():
        Membership.objects.filter(contractor_id=contractor_id).update(buzzin_id=buzzin_id)
    for link in model("integrations", "BuzzinMembership").objects.all():
        Membership.objects.filter(pk=link.membership_id).update(buzzin_state=link.state, buzzin_event_at=link.event_at)


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0005_outbox_moved_here"),
        ("core", "0005_audit_append_only"),
        ("contractors", "0002_normalize_contact"),
        ("permits", "0006_crm_reference_unique_per_community"),
    ]
    run_before = [
        ("core", "0006_outbox_and_partner_fields_moved_out"),
        ("contractors", "0003_partner_fields_moved_out"),
        ("permits", "0007_partner_fields_moved_out"),
    ]

    operations = [
        migrations.AlterModelTable(name="outbounddelivery", table=None),
        migrations.AlterModelTable(name="deliveryattempt", table=None),
        migrations.RenameField(model_name="outbounddelivery", old_name="partner", new_name="subscriber"),
        migrations.AlterField(
            model_name="outbounddelivery",
            name="subscriber",
            field=models.CharField(help_text="Who carries it out: a name in EVENT_SUBSCRIBERS.", max_length=16),
        ),
        migrations.AlterField(
            model_name="outbounddelivery",
            name="operation",
            field=models.CharField(max_length=40),
        ),
        migrations.AddField(
            model_name="outbounddelivery",
            name="event",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The domain event this delivery follows from.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="core.auditevent",
            ),
        ),
        migrations.CreateModel(
            name="BuzzinCommunity",
            fields=[
                (
                    "community",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="buzzin",
                        serialize=False,
                        to="core.community",
                    ),
                ),
                (
                    "buzzin_id",
                    models.CharField(blank=True, db_index=True, max_length=24, verbose_name="Buzz-In community id"),
                ),
                (
                    "api_key",
                    models.CharField(
                        blank=True,
                        help_text="Empty: the BUZZIN_API_KEY setting is used.",
                        max_length=200,
                        verbose_name="Buzz-In API key",
                    ),
                ),
            ],
            options={
                "verbose_name": "Buzz-In community",
            },
        ),
        migrations.CreateModel(
            name="BuzzinContractor",
            fields=[
                (
                    "contractor",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="buzzin",
                        serialize=False,
                        to="contractors.contractor",
                    ),
                ),
                ("buzzin_id", models.CharField(blank=True, db_index=True, max_length=24, verbose_name="Buzz-In id")),
            ],
            options={
                "verbose_name": "Buzz-In contractor",
            },
        ),
        migrations.CreateModel(
            name="BuzzinMembership",
            fields=[
                (
                    "membership",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="buzzin",
                        serialize=False,
                        to="contractors.contractormembership",
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("not_sent", "Not sent"),
                            ("pending", "Pending at Buzz-In"),
                            ("approved", "Approved at Buzz-In"),
                            ("removed", "Removed at Buzz-In"),
                        ],
                        default="not_sent",
                        max_length=16,
                    ),
                ),
                (
                    "event_at",
                    models.DateTimeField(blank=True, help_text="createdAt of the last applied webhook.", null=True),
                ),
            ],
            options={
                "verbose_name": "Buzz-In membership",
            },
        ),
        migrations.CreateModel(
            name="BuzzinPermit",
            fields=[
                (
                    "permit",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="buzzin",
                        serialize=False,
                        to="permits.permit",
                    ),
                ),
                ("buzzin_id", models.CharField(blank=True, db_index=True, max_length=24, verbose_name="Buzz-In id")),
                ("status", models.CharField(blank=True, max_length=32, verbose_name="Buzz-In status")),
                (
                    "event_at",
                    models.DateTimeField(blank=True, help_text="createdAt of the last applied webhook.", null=True),
                ),
            ],
            options={
                "verbose_name": "Buzz-In permit",
            },
        ),
        migrations.CreateModel(
            name="BuzzinProperty",
            fields=[
                (
                    "property",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="buzzin",
                        serialize=False,
                        to="core.property",
                    ),
                ),
                ("buzzin_id", models.CharField(blank=True, max_length=24, verbose_name="Buzz-In id")),
            ],
            options={
                "verbose_name": "Buzz-In property",
                "verbose_name_plural": "Buzz-In properties",
            },
        ),
        migrations.CreateModel(
            name="BuzzinUnit",
            fields=[
                (
                    "unit",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="buzzin",
                        serialize=False,
                        to="core.unit",
                    ),
                ),
                ("buzzin_id", models.CharField(blank=True, max_length=24, verbose_name="Buzz-In id")),
            ],
            options={
                "verbose_name": "Buzz-In unit",
            },
        ),
        migrations.CreateModel(
            name="OpscomParking",
            fields=[
                (
                    "vehicle",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="opscom",
                        serialize=False,
                        to="permits.vehicle",
                    ),
                ),
                ("reference_id", models.CharField(blank=True, max_length=50, verbose_name="OPS-COM reference id")),
            ],
            options={
                "verbose_name": "OPS-COM parking permit",
            },
        ),
        migrations.RunPython(copy_partner_data, copy_partner_data_back),
    ]
