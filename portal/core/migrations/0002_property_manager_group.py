"""Once created the staff groups here; they are now created by the top layer (integrations 0007_staff_groups),
which knows every app's models. Kept as a no-op so databases migrated before keep a consistent history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
