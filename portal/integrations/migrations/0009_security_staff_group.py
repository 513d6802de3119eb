"""A third staff group, "Security": gate staff of their communities (StaffMembership rows, role "security").

They read permits (no decision buttons: those need the change permission), the gate scans with the
"On site now" page, and the towers; nothing else. Safe to run again: the group and permissions are only added.
"""

from django.db import migrations

SECURITY = {
    "permits": ["view_permit", "view_worker", "view_vehicle", "view_gatescan"],
    "core": ["view_community", "view_property", "view_unit"],
}


def create_security_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Security")
    for app_label, codenames in SECURITY.items():
        permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions not found for {app_label}: {sorted(missing)}")
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0008_buzzin_contractor_sequences"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_security_group, migrations.RunPython.noop)]
