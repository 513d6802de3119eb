"""Decision deadlines (#21): managers keep their communities' public holidays and see the waits; operators too."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("view", "change", "add", "delete")
GRANTS = {
    "Property managers": {"core": {"publicholiday": ALL}, "permits": {"permitdecision": ("view",)}},
    "operator": {"core": {"publicholiday": ALL}, "permits": {"permitdecision": ("view",)}},
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        if app_config.label in {"core", "permits"}:
            models_module, app_config.models_module = getattr(app_config, "models_module", None), True
            try:
                create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
            finally:
                app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, models in grants.items():
            codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0008_buzzin_contractor_sequences"),
        ("core", "0008_community_decision_deadlines_and_holidays"),
        ("permits", "0008_permit_decision_deadlines"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
