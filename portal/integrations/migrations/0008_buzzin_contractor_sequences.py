"""Buzz-In's contractor rows now keep one order per company (``buzzin:contractor:<pk>``) instead of one per
membership: rows still open under the old key move to their company's, so a second community's join waits
for the first community's create. Rows already done keep the key they were sent under."""

from django.db import migrations

OLD_PREFIX = "buzzin:membership:"
OPEN_STATES = ("pending", "sending", "failed")


def company_sequences(apps, schema_editor):
    OutboundDelivery = apps.get_model("integrations", "OutboundDelivery")
    ContractorMembership = apps.get_model("contractors", "ContractorMembership")
    rows = OutboundDelivery.objects.filter(sequence_key__startswith=OLD_PREFIX, state__in=OPEN_STATES)
    membership_ids = {int(key[len(OLD_PREFIX) :]) for key in rows.values_list("sequence_key", flat=True)}
    companies = dict(ContractorMembership.objects.filter(pk__in=membership_ids).values_list("pk", "contractor_id"))
    for membership_id, contractor_id in companies.items():
        rows.filter(sequence_key=f"{OLD_PREFIX}{membership_id}").update(
            sequence_key=f"buzzin:contractor:{contractor_id}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0007_staff_groups"),
        ("contractors", "0003_partner_fields_moved_out"),
    ]

    operations = [migrations.RunPython(company_sequences, migrations.RunPython.noop)]
