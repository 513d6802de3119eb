"""Company phones into E.164 (read in the company's first community's country) and e-mails into
their one spelling. A value that cannot be normalised is left as it was and listed on the output."""

from django.core.exceptions import ValidationError
from django.db import migrations

from portal.core.contact import DEFAULT_COUNTRY, normalize_email, normalize_phone


def normalized_contact(*, phone: str, email: str, region: str) -> tuple[dict, list[str]]:
    """(the fields that change, what could not be normalised)."""
    changes, problems = {}, []
    try:
        new_phone = normalize_phone(phone, region=region)
    except ValidationError:
        problems.append(f"phone {phone!r}")
    else:
        if new_phone != phone:
            changes["phone"] = new_phone
    try:
        new_email = normalize_email(email)
    except ValidationError:
        problems.append(f"e-mail {email!r}")
    else:
        if new_email != email:
            changes["email"] = new_email
    return changes, problems


def forwards(apps, schema_editor):
    Contractor = apps.get_model("contractors", "Contractor")
    Membership = apps.get_model("contractors", "ContractorMembership")
    first_country = {}
    for contractor_id, country in Membership.objects.order_by("-pk").values_list("contractor_id", "community__country"):
        first_country[contractor_id] = country  # the lowest pk wins, as country_of() takes the first
    left = []
    for contractor in Contractor.objects.order_by("pk").iterator():
        region = first_country.get(contractor.pk) or DEFAULT_COUNTRY
        changes, problems = normalized_contact(phone=contractor.phone, email=contractor.email, region=region)
        taken = "email" in changes and Contractor.objects.filter(email=changes["email"]).exclude(pk=contractor.pk)
        if taken and taken.exists():
            problems.append(f"e-mail {contractor.email!r} (another company has {changes.pop('email')!r})")
        if changes:
            Contractor.objects.filter(pk=contractor.pk).update(**changes)
        if problems:
            left.append(f"  contractor {contractor.pk} {contractor.company_name}: {', '.join(problems)}")
    if left:
        print("\nLeft as they were (fix them on the company's page):", *left, sep="\n")


class Migration(migrations.Migration):
    dependencies = [
        ("contractors", "0001_initial"),
        ("core", "0004_community_country_and_limits"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
