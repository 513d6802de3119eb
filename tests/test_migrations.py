"""The models and the migrations agree: a model change without its migration (an index whose condition follows
the transition table, a new field) fails here rather than on a deployment."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"models changed without a migration (makemigrations exit {exit_.code}):\n{out.getvalue()}")
