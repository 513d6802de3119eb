"""Workers' ID numbers and phones, representatives' contacts and plates into their one spelling
(phones read in the permit's community's country). A value that cannot be normalised is left as
it was and listed on the output."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import migrations

from permits.validators import clean_plate, normalize_id_number, normalize_representative_contact
from portal.core.contact import normalize_optional_phone

BATCH = 2000


def normalized(value: str, normalise) -> tuple[str | None, bool]:
    """(the new value, or None when unchanged; whether it could be normalised)."""
    try:
        new = normalise(value)
    except ValidationError:
        return None, False
    return (new if new != value else None), True


def normalized_worker(*, id_number: str, phone: str, region: str) -> tuple[dict, list[str]]:
    changes, problems = {}, []
    for name, value, normalise in (
        ("id_number", id_number, normalize_id_number),
        ("phone", phone, lambda raw: normalize_optional_phone(raw, region=region)),
    ):
        new, ok = normalized(value, normalise)
        if not ok:
            problems.append(f"{name} {value!r}")
        elif new is not None:
            changes[name] = new
    return changes, problems


def _save(model, rows, fields):
    if rows:
        model.objects.bulk_update(rows, fields, batch_size=BATCH)


def _workers(apps, left):
    Worker = apps.get_model("permits", "Worker")
    changed = []
    for worker in Worker.objects.select_related("permit__community").order_by("pk").iterator(chunk_size=BATCH):
        changes, problems = normalized_worker(
            id_number=worker.id_number, phone=worker.phone, region=worker.permit.community.country
        )
        for name, value in changes.items():
            setattr(worker, name, value)
        if changes:
            changed.append(worker)
        if problems:
            left.append(f"  worker {worker.pk} {worker.name} (permit {worker.permit.reference}): {', '.join(problems)}")
    _save(Worker, changed, ["id_number", "phone"])


def _representatives(apps, left):
    Permit = apps.get_model("permits", "Permit")
    changed = []
    rows = Permit.objects.exclude(representative_contact="").select_related("community").order_by("pk")
    for permit in rows.only("pk", "reference", "representative_contact", "community__country").iterator(BATCH):
        normalise = partial(normalize_representative_contact, region=permit.community.country)
        new, ok = normalized(permit.representative_contact, normalise)
        if not ok:
            left.append(f"  permit {permit.reference}: representative contact {permit.representative_contact!r}")
        elif new is not None:
            permit.representative_contact = new
            changed.append(permit)
    _save(Permit, changed, ["representative_contact"])


def _plates(apps, left):
    Vehicle = apps.get_model("permits", "Vehicle")
    changed = []
    for vehicle in Vehicle.objects.order_by("pk").iterator(chunk_size=BATCH):
        new, ok = normalized(vehicle.plate, clean_plate)
        if not ok:
            left.append(f"  vehicle {vehicle.pk} (permit id {vehicle.permit_id}): plate {vehicle.plate!r}")
        elif new is not None:
            vehicle.plate = new
            changed.append(vehicle)
    _save(Vehicle, changed, ["plate"])


def forwards(apps, schema_editor):
    left = []
    _workers(apps, left)
    _representatives(apps, left)
    _plates(apps, left)
    if left:
        print("\nLeft as they were (fix them on the permit's page):", *left, sep="\n")


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0004_worker_id_index"),
        ("core", "0004_community_country_and_limits"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
