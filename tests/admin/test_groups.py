"""The "Property managers" and "operator" groups of migration integrations 0004 (moved up from core 0002)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

pytestmark = pytest.mark.django_db

migration = importlib.import_module("portal.integrations.migrations.0005_staff_groups")


def codenames(name: str) -> set[str]:
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def test_property_managers_view_and_change_but_never_delete():
    granted = codenames("Property managers")
    assert {"view_permit", "change_permit", "change_contractormembership", "view_auditevent"} <= granted
    assert {"view_outbounddelivery", "view_community", "change_unit"} <= granted
    assert not {c for c in granted if c.startswith(("delete_", "add_"))}
    assert "change_community" not in granted and "view_apikey" not in granted


def test_operators_have_everything_managers_have_and_more():
    assert codenames("Property managers") < codenames("operator")
    assert {"delete_staffmembership", "add_apikey", "delete_blackoutdate"} <= codenames("operator")


def test_running_the_migration_again_changes_nothing():
    before = {name: codenames(name) for name in ("Property managers", "operator")}
    state_apps = MigrationLoader(connection).project_state(("integrations", "0005_staff_groups")).apps
    migration.create_groups(state_apps, SimpleNamespace(connection=connection))
    assert {name: codenames(name) for name in before} == before
    assert Group.objects.filter(name__in=before).count() == 2


def test_a_manager_reaches_the_pages_they_need(manager_client):
    for name in ("permits_permit", "contractors_contractor", "contractors_contractormembership", "core_auditevent"):
        assert manager_client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    assert manager_client.get(reverse("admin:core_staffmembership_changelist")).status_code == 403
