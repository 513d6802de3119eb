"""Property managers (and operators) edit their communities' clash settings: which permit types exclude
each other in a unit, each building's capacity per type, the neighbours warning. Same groups as
0007_staff_groups; safe to run again: permissions are only added."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Property managers", "operator")
CODENAMES = [
    "view_clashsettings",
    "add_clashsettings",
    "change_clashsettings",
    *(
        f"{action}_{model}"
        for model in ("exclusivetypepair", "propertycapacity")
        for action in ("view", "add", "change", "delete")
    ),
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("permits")
    models_module, app_config.models_module = getattr(app_config, "models_module", None), True
    try:  # permissions are normally created after the last migration; the groups need them now
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    finally:
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="permits", codename__in=CODENAMES)
    if permissions.count() != len(CODENAMES):
        raise RuntimeError(f"Permissions not found: {CODENAMES}")
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*group.permissions.filter(content_type__app_label="permits", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0008_buzzin_contractor_sequences"),
        ("permits", "0008_clash_settings_and_calendar_feeds"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
