"""Property managers see their communities' drifts and may repair them.

DECISION: a repair only sends again what the portal already holds (a lost submit, the dates, a revocation,
parking) through the outbox, moving nothing in the portal; a manager already makes those same changes by
approving, extending and revoking. Seeing the drifts of their own communities (the admin scopes them) tells
them why a pass or parking is not what the portal shows. Safe to run again: permissions are only added.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Property managers"
CODENAMES = ["view_drift", "change_drift"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("integrations")
    models_module, app_config.models_module = getattr(app_config, "models_module", None), True
    try:  # permissions are normally created after the last migration; the group needs them now
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    finally:
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    permissions = Permission.objects.filter(content_type__app_label="integrations", codename__in=CODENAMES)
    if permissions.count() != len(CODENAMES):
        raise RuntimeError(f"Permissions not found: {CODENAMES}")
    group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="integrations", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0003_inbound_event_refused_state"),
        ("core", "0002_property_manager_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
