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

migration = importlib.import_module("portal.integrations.migrations.0007_staff_groups")


def codenames(name: str) -> set[str]:
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


# A community's clash settings are rows of configuration a manager keeps (integrations 0009): a pair of
# types or a building's capacity is added and removed like a line of a settings page, never a record.
CLASH_SETTING_ROWS = {
    "add_clashsettings",
    "add_exclusivetypepair",
    "delete_exclusivetypepair",
    "add_propertycapacity",
    "delete_propertycapacity",
}


def test_property_managers_view_and_change_but_never_delete():
    granted = codenames("Property managers")
    assert {"view_permit", "change_permit", "change_contractormembership", "view_auditevent"} <= granted
    assert {"view_outbounddelivery", "view_community", "change_unit"} <= granted
    # Besides the clash settings, each community's public holidays, a calendar its managers keep (#21).
    holidays = {"add_publicholiday", "delete_publicholiday"}
    assert {c for c in granted if c.startswith(("delete_", "add_"))} == CLASH_SETTING_ROWS | holidays
    assert "change_community" not in granted and "view_apikey" not in granted


def test_operators_have_everything_managers_have_and_more():
    assert codenames("Property managers") < codenames("operator")
    assert {"delete_staffmembership", "add_apikey", "delete_blackoutdate"} <= codenames("operator")


def test_managers_and_operators_edit_clash_settings():
    for group in ("Property managers", "operator"):
        assert {"change_clashsettings", "change_propertycapacity", "change_exclusivetypepair"} <= codenames(group)
        assert codenames(group) >= CLASH_SETTING_ROWS


def test_running_the_migration_again_changes_nothing():
    before = {name: codenames(name) for name in ("Property managers", "operator")}
    state_apps = MigrationLoader(connection).project_state(("integrations", "0007_staff_groups")).apps
    migration.create_groups(state_apps, SimpleNamespace(connection=connection))
    assert {name: codenames(name) for name in before} == before
    assert Group.objects.filter(name__in=before).count() == 2


def test_a_manager_reaches_the_pages_they_need(manager_client):
    for name in ("permits_permit", "contractors_contractor", "contractors_contractormembership", "core_auditevent"):
        assert manager_client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    assert manager_client.get(reverse("admin:core_staffmembership_changelist")).status_code == 403


# --- drifts: property managers see their communities' and repair them (migration integrations 0003) ---------


def test_property_managers_may_view_and_repair_drifts_but_not_delete_them():
    granted = codenames("Property managers")
    assert {"view_drift", "change_drift"} <= granted
    assert "delete_drift" not in granted and "add_drift" not in granted


def _dates_drift(community, property_, contractor):
    from permits.choices import PermitStatus
    from portal.integrations.models import Drift
    from portal.integrations.reconciliation.kinds import DriftKind
    from tests.factories import permit_in_status

    permit = permit_in_status(PermitStatus.APPROVED, community=community, property=property_, contractor=contractor)
    return Drift.objects.create(
        kind=DriftKind.DATES_DIFFER,
        community=community,
        target_type="permit",
        target_id=str(permit.pk),
        detail={"fields": ["valid_till"], "portal": {}, "buzzin": {}, "reference": permit.reference},
    )


def test_a_manager_of_the_group_sees_and_repairs_only_their_communitys_drifts(
    manager_client, community_a, property_a, contractor_a, community_b, property_b, contractor_b
):
    from portal.integrations.delivery.models import OutboundDelivery

    own = _dates_drift(community_a, property_a, contractor_a)
    other = _dates_drift(community_b, property_b, contractor_b)

    listing = manager_client.get(reverse("admin:integrations_drift_changelist"))
    assert listing.status_code == 200
    assert [drift.pk for drift in listing.context["cl"].result_list] == [own.pk]
    assert manager_client.get(reverse("admin:integrations_drift_change", args=[other.pk])).status_code == 404

    assert manager_client.post(reverse("admin:integrations_drift_repair", args=[own.pk])).status_code == 302
    assert manager_client.post(reverse("admin:integrations_drift_repair", args=[other.pk])).status_code == 404
    repairs = OutboundDelivery.objects.filter(operation="permit.update_validity")
    assert [delivery.target_id for delivery in repairs] == [own.target_id]
