"""A list filter naming something outside the user's communities gives an empty list, and bulk actions act
only on the rows the filtered list shows: for the permit list, and for every scoped admin's related filters."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.test import RequestFactory
from django.urls import reverse

from permits.choices import PermitStatus
from permits.models import Permit
from portal.core.admin_scoping import CommunityScopedAdminMixin, scoped_queryset_for

from .conftest import World, client_for

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:permits_permit_changelist"


def listed(response) -> list:
    assert response.status_code == 200, response.status_code
    return list(response.context["cl"].result_list)


def test_a_single_community_manager_filtering_on_another_community_sees_nothing(world: World):
    client = client_for(world.a.manager)
    other = world.b.community.pk

    assert listed(client.get(reverse(CHANGELIST)))  # their own permits, unfiltered
    assert listed(client.get(reverse(CHANGELIST), {"community__id__exact": other})) == []


def test_select_all_acts_only_on_what_the_filtered_list_shows(world: World):
    client = client_for(world.a.manager)
    submitted = world.a.permits["submitted"]
    url = reverse(CHANGELIST) + f"?community__id__exact={world.b.community.pk}"

    # As the browser posts it: the rows the page showed are ticked, and "select all" is on.
    data = {"action": "approve_selected", "select_across": "1", "index": "0", "_selected_action": [submitted.pk]}
    client.post(url, data)

    submitted.refresh_from_db()
    assert submitted.status == PermitStatus.SUBMITTED


def test_select_all_of_the_own_community_still_acts(world: World):
    client = client_for(world.a.manager)
    submitted = world.a.permits["submitted"]
    url = reverse(CHANGELIST) + f"?community__id__exact={world.a.community.pk}&status__exact=submitted"

    data = {"action": "approve_selected", "select_across": "1", "index": "0", "_selected_action": [submitted.pk]}
    client.post(url, data)

    assert Permit.objects.get(pk=submitted.pk).status == PermitStatus.APPROVED


def related_filters(model_admin, request):
    """(lookup parameter, related model) of every related-object filter of the admin's list."""
    for item in model_admin.get_list_filter(request):
        path = item[0] if isinstance(item, tuple | list) else item
        if not isinstance(path, str):
            continue
        field = get_fields_from_path(model_admin.model, path)[-1]
        if field.is_relation and not field.many_to_many:
            yield f"{path}__{field.target_field.name}__exact", field.related_model


def test_every_scoped_admin_empties_its_list_for_a_filter_value_outside_the_scope(world: World):
    user = world.manager_plus  # every permission: only scoping decides
    client = client_for(user)
    request = RequestFactory().get("/")
    request.user = user
    checked = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, CommunityScopedAdminMixin):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        unfiltered = client.get(url)
        if unfiltered.status_code != 200 or not listed(unfiltered):
            continue
        for parameter, related in related_filters(model_admin, request):
            allowed = scoped_queryset_for(admin.site, request, related)
            outside = related._default_manager.exclude(pk__in=allowed.values("pk")).first()
            if outside is None:
                continue
            assert listed(client.get(url, {parameter: outside.pk})) == [], (url, parameter)
            checked.append(f"{model._meta.label}:{parameter}")
    assert "permits.Permit:community__id__exact" in checked
    assert len(checked) >= 5, checked
