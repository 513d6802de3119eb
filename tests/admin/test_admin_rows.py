"""The admin lists' action checkboxes: the markup Django's widget renders, without its template."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from permits.models import Permit
from portal.core.admin_rows import LeanActionCheckboxMixin

pytestmark = pytest.mark.django_db


class _Row:
    pk = 42

    def __str__(self):
        return 'P-7 · <b>"A&B"</b>'


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_checkbox_is_the_widgets_markup(language):
    permit_admin = admin.site._registry[Permit]
    assert isinstance(permit_admin, LeanActionCheckboxMixin)
    with translation.override(language):
        lean = permit_admin.action_checkbox(_Row())
        stock = admin.ModelAdmin.action_checkbox(permit_admin, _Row())
    assert lean == stock
    assert "&lt;b&gt;" in lean and "<b>" not in lean  # the object's name is escaped once, not twice


def test_bulk_actions_still_see_the_rows(manager_client, permit_a):
    response = manager_client.get(reverse("admin:permits_permit_changelist"))
    assert response.status_code == 200
    assert f'name="_selected_action" value="{permit_a.pk}" class="action-select"' in response.content.decode()


def test_row_links_carry_the_lists_filters_as_djangos_do(manager_client, permit_a):
    from urllib.parse import urlencode

    from django.contrib.admin.templatetags.admin_urls import add_preserved_filters

    change_url = reverse("admin:permits_permit_change", args=[permit_a.pk])
    filters = f"community__id__exact={permit_a.community_id}"
    filtered = manager_client.get(reverse("admin:permits_permit_changelist") + "?" + filters).content.decode()
    stock = add_preserved_filters(
        {"preserved_filters": urlencode({"_changelist_filters": filters}), "opts": Permit._meta}, change_url
    )
    assert stock == f"{change_url}?_changelist_filters=community__id__exact%3D{permit_a.community_id}"
    assert f'<a href="{stock}">' in filtered
    unfiltered = manager_client.get(reverse("admin:permits_permit_changelist")).content.decode()
    assert f'<a href="{change_url}">' in unfiltered
