"""A property manager of community A never sees, nor changes, anything of community B."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from contractors.choices import MembershipStatus
from contractors.models import ContractorMembership
from permits.choices import PermitStatus
from permits.models import GateScan
from portal.core.models import AuditEvent, StaffMembership
from tests.factories import (
    CommunityFactory,
    ContractorFactory,
    MembershipFactory,
    PropertyFactory,
    StaffMembershipFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

B_NAMES = ["Bravo Heights", "Bravo Tower", "Bravo Builders", "BRAVO-TWR"]


@pytest.fixture
def world(permit_a, permit_b, contractor_b, community_b, manager_b):
    """Rows of every scoped kind in B (and a few in A)."""
    scan = GateScan.objects.create(permit=permit_b, event_id="evt-b", scanned_at=permit_b.created_at, gate="Gate B")
    return {
        "permit": permit_b,
        "contractor": contractor_b,
        "membership": ContractorMembership.objects.get(contractor=contractor_b, community=community_b),
        "property": permit_b.property,
        "unit": permit_b.main_unit,
        "community": community_b,
        "auditevent": AuditEvent.objects.filter(community=community_b).first(),
        "gatescan": scan,
        "staffmembership": StaffMembership.objects.get(user=manager_b),
    }


ADMIN_NAMES = {
    "permit": "permits_permit",
    "contractor": "contractors_contractor",
    "membership": "contractors_contractormembership",
    "property": "core_property",
    "unit": "core_unit",
    "community": "core_community",
    "auditevent": "core_auditevent",
    "gatescan": "permits_gatescan",
    "staffmembership": "core_staffmembership",
}

PERMIT_BUTTONS = ["approve", "reject", "request_changes", "extend", "revoke", "reissue"]
MEMBERSHIP_BUTTONS = ["approve", "revoke"]


def foreign_urls(world) -> list[str]:
    urls = []
    for kind, name in ADMIN_NAMES.items():
        pk = world[kind].pk
        urls += [reverse(f"admin:{name}_{view}", args=[pk]) for view in ("change", "history", "delete")]
    urls += [reverse(f"admin:permits_permit_{b}", args=[world["permit"].pk]) for b in PERMIT_BUTTONS]
    urls += [
        reverse(f"admin:contractors_contractormembership_{b}", args=[world["membership"].pk])
        for b in MEMBERSHIP_BUTTONS
    ]
    return urls


def test_every_url_of_a_foreign_object_is_a_404(manager_client, world):
    for url in foreign_urls(world):
        assert manager_client.get(url).status_code == 404, url
        assert manager_client.post(url, {"reason": "x", "note": "x", "post": "yes"}).status_code == 404, url
    world["permit"].refresh_from_db()
    assert world["permit"].status == PermitStatus.SUBMITTED
    world["membership"].refresh_from_db()
    assert world["membership"].status == MembershipStatus.APPROVED


def test_own_objects_open(manager_client, permit_a, contractor_a):
    assert manager_client.get(reverse("admin:permits_permit_change", args=[permit_a.pk])).status_code == 200
    assert manager_client.get(reverse("admin:permits_permit_history", args=[permit_a.pk])).status_code == 200
    assert manager_client.get(reverse("admin:contractors_contractor_change", args=[contractor_a.pk])).status_code == 200


def test_an_operator_opens_every_community(operator_client, world):
    for kind, name in ADMIN_NAMES.items():
        url = reverse(f"admin:{name}_change", args=[world[kind].pk])
        assert operator_client.get(url).status_code == 200, url


@pytest.mark.parametrize("name", sorted(ADMIN_NAMES.values()))
def test_changelists_hide_foreign_rows_and_filter_choices(manager_a, manager_client, operator_client, world, name):
    # managers are not given staff memberships by their group: grant it here to test the scoping
    manager_a.user_permissions.add(Permission.objects.get(codename="view_staffmembership"))
    url = reverse(f"admin:{name}_changelist")
    response = manager_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    for text in B_NAMES:
        assert text not in content, (url, text)
    shown = {obj.pk for obj in response.context["cl"].result_list}
    kind = next(k for k, v in ADMIN_NAMES.items() if v == name)
    assert world[kind].pk not in shown
    # the operator does see B
    everything = {obj.pk for obj in operator_client.get(url).context["cl"].result_list}
    assert world[kind].pk in everything


def _filter_choices(response) -> dict[str, list[str]]:
    specs = response.context["cl"].filter_specs
    return {spec.title: [label for _, label in getattr(spec, "lookup_choices", [])] for spec in specs}


def test_filter_choices_list_only_own_communities(manager_a, manager_client, world, property_a):
    charlie = CommunityFactory(name="Charlie Park")
    StaffMembershipFactory(user=manager_a, community=charlie)
    property_c = PropertyFactory(community=charlie, name="Charlie Tower")
    MembershipFactory(contractor=ContractorFactory(company_name="Charlie Crew"), community=charlie)
    choices = _filter_choices(manager_client.get(reverse("admin:permits_permit_changelist")))
    assert choices["community"] == ["Alpha Gardens", "Charlie Park"]
    assert sorted(choices["property"]) == sorted([str(property_a), str(property_c)])
    assert choices["contractor"] == ["Alpha Fitouts LLC", "Charlie Crew"]
    contractors = _filter_choices(manager_client.get(reverse("admin:contractors_contractor_changelist")))
    assert contractors["community"] == ["Alpha Gardens", "Charlie Park"]


def test_filtering_on_a_foreign_community_shows_nothing_of_it(manager_client, world):
    url = reverse("admin:permits_permit_changelist")
    response = manager_client.get(url, {"community__id__exact": world["community"].pk})
    assert world["permit"] not in list(response.context["cl"].result_list)


def test_autocomplete_does_not_answer_foreign_objects(manager_client, operator_client, world, property_a):
    params = {"app_label": "core", "model_name": "unit", "field_name": "property", "term": "Tower"}
    answer = manager_client.get(reverse("admin:autocomplete"), params).json()
    assert [row["id"] for row in answer["results"]] == [str(property_a.pk)]
    everything = operator_client.get(reverse("admin:autocomplete"), params).json()
    assert str(world["property"].pk) in [row["id"] for row in everything["results"]]


def test_unit_form_offers_only_own_properties(manager_client, property_a, world):
    unit = UnitFactory(property=property_a)
    response = manager_client.get(reverse("admin:core_unit_change", args=[unit.pk]))
    field = response.context["adminform"].form.fields["property"]
    assert list(field.queryset) == [property_a]
    moved = manager_client.post(
        reverse("admin:core_unit_change", args=[unit.pk]),
        {"property": world["property"].pk, "name": unit.name, "external_id": unit.external_id},
    )
    assert moved.status_code == 200  # "Select a valid choice"
    unit.refresh_from_db()
    assert unit.property == property_a


def _action(client, url, action, ids, **extra):
    return client.post(url, {"action": action, ACTION_CHECKBOX_NAME: [str(pk) for pk in ids], **extra})


def test_bulk_approve_and_reject_ignore_foreign_permits(manager_client, permit_a, world):
    url = reverse("admin:permits_permit_changelist")
    _action(manager_client, url, "approve_selected", [world["permit"].pk])
    _action(manager_client, url, "reject_selected", [world["permit"].pk], apply="1", reason="No.")
    world["permit"].refresh_from_db()
    assert world["permit"].status == PermitStatus.SUBMITTED
    _action(manager_client, url, "approve_selected", [permit_a.pk, world["permit"].pk])
    permit_a.refresh_from_db()
    world["permit"].refresh_from_db()
    assert (permit_a.status, world["permit"].status) == (PermitStatus.APPROVED, PermitStatus.SUBMITTED)


def test_membership_actions_ignore_foreign_memberships(manager_client, world, community_a):
    pending_a = MembershipFactory(community=community_a, status=MembershipStatus.PENDING)
    foreign = world["membership"]
    url = reverse("admin:contractors_contractormembership_changelist")
    _action(manager_client, url, "revoke_memberships", [foreign.pk], apply="1", reason="Gone.")
    _action(manager_client, url, "approve_memberships", [pending_a.pk, foreign.pk])
    foreign.refresh_from_db()
    pending_a.refresh_from_db()
    assert foreign.status == MembershipStatus.APPROVED
    assert pending_a.status == MembershipStatus.APPROVED


def test_csv_export_never_contains_foreign_permits(manager_client, permit_a, world):
    url = reverse("admin:permits_permit_changelist")
    response = _action(manager_client, url, "export_selected_csv", [permit_a.pk, world["permit"].pk])
    content = b"".join(response.streaming_content).decode()
    assert permit_a.reference in content
    assert world["permit"].reference not in content
    export = manager_client.get(reverse("admin:permits_permit_export"), {"community__id__exact": world["community"].pk})
    assert world["permit"].reference not in b"".join(export.streaming_content).decode()


def test_dashboard_counts_only_own_communities(manager_client, operator_client, permit_a, world):
    content = manager_client.get(reverse("admin:index")).content.decode()
    assert permit_a.reference in content
    assert world["permit"].reference not in content
    assert world["permit"].reference in operator_client.get(reverse("admin:index")).content.decode()


def test_a_manager_without_community_sees_nothing(client, world, django_user_model):
    from tests.admin.conftest import make_manager

    nobody = make_manager("nobody")
    client.force_login(nobody)
    response = client.get(reverse("admin:permits_permit_changelist"))
    assert list(response.context["cl"].result_list) == []
    assert client.get(reverse("admin:permits_permit_change", args=[world["permit"].pk])).status_code == 404


def test_api_keys_are_for_operators_only(manager_client, operator_client):
    assert manager_client.get(reverse("admin:core_apikey_changelist")).status_code == 403
    assert operator_client.get(reverse("admin:core_apikey_changelist")).status_code == 200
