"""Drop the pattern-ops copy of the permit reference index (PostgreSQL only).

Django adds ``permits_permit_reference_…_like`` (``varchar_pattern_ops``) beside every unique
``CharField`` for ``LIKE 'prefix%'`` lookups. The portal never makes one on ``reference``: exact
references read the unique index, the admin search is a ``%word%`` match no btree serves. The copy cost
a 45 MB index at a million permits and one more index entry for each change of a permit's status
(100,000 for an expiry sweep of that size). The model state is unchanged: this is physical only.
"""

from django.db import migrations


def _like_index_name(schema_editor, model) -> str:
    field = model._meta.get_field("reference")
    return schema_editor._create_index_name(model._meta.db_table, [field.column], suffix="_like")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    name = _like_index_name(schema_editor, apps.get_model("permits", "Permit"))
    schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    name = _like_index_name(schema_editor, apps.get_model("permits", "Permit"))
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "permits_permit" ("reference" varchar_pattern_ops)')


class Migration(migrations.Migration):
    dependencies = [("permits", "0022_noc_community_required")]

    operations = [migrations.RunPython(drop_index, create_index, elidable=False)]
