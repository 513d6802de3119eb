"""Operators create keys in the admin (shown once) and revoke them; nobody else sees them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from portal.api.keys import api_key_authenticate, hash_key
from portal.core.models import ApiKey, AuditEvent
from tests.factories import CommunityFactory, StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/core/apikey/add/"
LIST_URL = "/admin/core/apikey/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def operator():
    user = UserFactory(username="ops", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="operator")[0])
    return user


def test_an_operator_creates_a_key_and_sees_it_once(operator):
    community = CommunityFactory()
    client = signed_in(operator)
    response = client.post(ADD_URL, {"community": community.pk, "name": "Salesforce production"})
    assert response.status_code == 200, response.content[:500]
    assert "no-store" in response["Cache-Control"]
    key = ApiKey.objects.get()
    raw_key = response.context["raw_key"]
    assert raw_key.encode() in response.content and "shown only once" in response.content.decode()
    assert key.key_hash == hash_key(raw_key) and key.prefix == raw_key[:12] and key.created_by == operator
    assert api_key_authenticate(raw_key) == key
    assert AuditEvent.objects.get(action="api.key.created").actor_label == "ops"
    detail = client.get(f"{LIST_URL}{key.pk}/change/")
    assert detail.status_code == 200
    assert raw_key.encode() not in detail.content and key.key_hash.encode() not in detail.content


def test_an_operator_revokes_keys(operator, site):
    client = signed_in(operator)
    response = client.post(LIST_URL, {"action": "revoke_keys", "_selected_action": [site.key.pk]}, follow=True)
    assert response.status_code == 200
    site.key.refresh_from_db()
    assert site.key.revoked_at is not None
    assert api_key_authenticate(site.raw_key) is None
    assert AuditEvent.objects.get(action="api.key.revoked").actor_label == "ops"


def test_a_property_manager_cannot_see_keys(site):
    manager = StaffMembershipFactory(community=site.community).user
    client = signed_in(manager)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(ADD_URL).status_code == 403


def test_the_key_pages_render_for_an_operator(operator, site):
    client = signed_in(operator)
    assert client.get(ADD_URL).status_code == 200
    listing = client.get(LIST_URL)
    assert listing.status_code == 200 and site.key.prefix.encode() in listing.content
    assert site.raw_key.encode() not in listing.content
