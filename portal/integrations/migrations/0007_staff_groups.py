"""The two staff groups: "Property managers" (scoped to their communities by StaffMembership rows)
and "operator" (every community). Safe to run again: groups and permissions are only added.

It lives in the top layer because it names every app's models; the domain apps' migrations never
depend on an app above them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_CHANGE = ("view", "change")
VIEW = ("view",)
ALL = ("view", "change", "add", "delete")

PROPERTY_MANAGERS = {
    "permits": {
        "permit": VIEW_CHANGE,
        "vehicle": VIEW_CHANGE,
        "worker": VIEW_CHANGE,
        "nocversion": VIEW_CHANGE,
        "gatescan": VIEW_CHANGE,
        "permitunit": VIEW,
    },
    "contractors": {"contractor": VIEW_CHANGE, "contractormembership": VIEW_CHANGE, "contractordocument": VIEW},
    "core": {
        "property": VIEW_CHANGE,
        "unit": VIEW_CHANGE,
        "community": VIEW,
        "auditevent": VIEW,
    },
    # Drifts: managers see their communities' drifts and repair them (a repair only sends again what the
    # portal holds; see 0004_property_managers_repair_drifts).
    "integrations": {"outbounddelivery": VIEW, "deliveryattempt": VIEW, "buzzincommunity": VIEW, "drift": VIEW_CHANGE},
}

OPERATORS = {
    "permits": PROPERTY_MANAGERS["permits"],
    "contractors": {**PROPERTY_MANAGERS["contractors"], "contractoruser": ALL},
    "core": {
        **PROPERTY_MANAGERS["core"],
        "community": ("view", "change", "add"),
        "blackoutdate": ALL,
        "property": ALL,
        "unit": ALL,
        "staffmembership": ALL,
        "apikey": ALL,
    },
    "integrations": {
        **PROPERTY_MANAGERS["integrations"],
        "inboundevent": VIEW,
        "drift": VIEW_CHANGE,
        "outbounddelivery": VIEW_CHANGE,
        "buzzincommunity": ("view", "change", "add"),
        "buzzinproperty": ALL,
        "buzzinunit": ALL,
    },
}

GROUPS = {"Property managers": PROPERTY_MANAGERS, "operator": OPERATORS}


def ensure_permissions(apps, schema_editor):
    """Permissions are normally created after the last migration; the groups need them now."""
    for app_config in apps.get_app_configs():
        if app_config.label in {"core", "contractors", "permits", "integrations"}:
            models_module, app_config.models_module = getattr(app_config, "models_module", None), True
            try:
                create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
            finally:
                app_config.models_module = models_module


def forget_moved_models(apps, schema_editor):
    """The outbox's models moved from core to this app: their old content types (and permissions) go."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="core", model__in=["outbounddelivery", "deliveryattempt"]).delete()


def create_groups(apps, schema_editor):
    forget_moved_models(apps, schema_editor)
    ensure_permissions(apps, schema_editor)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, models in grants.items():
            codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
            permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"Permissions not found for {app_label}: {sorted(missing)}")
            group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0006_partners_own_their_ids"),
        ("core", "0006_outbox_and_partner_fields_moved_out"),
        ("contractors", "0003_partner_fields_moved_out"),
        ("permits", "0007_partner_fields_moved_out"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
