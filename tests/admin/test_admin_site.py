"""The admin site builds its app list once a request (navigation and index share it), and it is the site
every registered model is on."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from permits.models import Permit
from portal.core.admin_site import PortalAdminSite

pytestmark = pytest.mark.django_db


def test_the_default_site_is_the_portals_and_holds_the_models():
    assert isinstance(admin.site._wrapped if hasattr(admin.site, "_wrapped") else admin.site, PortalAdminSite)
    assert admin.site.is_registered(Permit)


def test_the_index_builds_the_app_list_once(manager_client, monkeypatch):
    builds = []
    original = admin.AdminSite._build_app_dict

    def counted(self, request, label=None):
        builds.append(label)
        return original(self, request, label)

    monkeypatch.setattr(admin.AdminSite, "_build_app_dict", counted)
    response = manager_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert builds == [None]
    assert response.context["app_list"] is response.context["available_apps"]
    assert any(app["app_label"] == "permits" for app in response.context["app_list"])


def test_an_app_page_still_lists_only_its_app(manager_client):
    response = manager_client.get(reverse("admin:app_list", args=["permits"]))
    assert [app["app_label"] for app in response.context["app_list"]] == ["permits"]
