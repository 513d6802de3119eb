"""Partner secrets are write-only: the change page never renders them, an empty input keeps them, typing
replaces them, "clear" empties them; the read-only page of a property manager shows only their status."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from portal.core.secrets import SecretField, secret_status
from portal.integrations.buzzin.models import BuzzinCommunity
from tests.factories import CommunityFactory, UserFactory
from tests.tracebacks import a_secret, error_report

from .conftest import logged_in, make_manager

pytestmark = pytest.mark.django_db

OLD_KEY = "bzk_live_0123456789abcdef1a2b"


@pytest.fixture
def community():
    return CommunityFactory(buzzin__api_key=OLD_KEY)


@pytest.fixture
def operator_client():
    return logged_in(UserFactory(username="root", is_staff=True, is_superuser=True))


def change_url(community) -> str:
    return reverse("admin:integrations_buzzincommunity_change", args=[community.pk])


def form_data(community, **secret) -> dict:
    """The change form as a browser posts it: every field, the secret input as given (empty when not)."""
    return {"community": community.pk, "buzzin_id": community.buzzin.buzzin_id, "api_key": "", **secret}


def stored_key(community) -> str:
    return BuzzinCommunity.objects.get(community=community).api_key


def test_the_change_page_never_contains_the_secret(operator_client, community):
    page = operator_client.get(change_url(community))

    html = page.content.decode()
    assert page.status_code == 200
    assert OLD_KEY not in html
    assert "set, ends in …1a2b" in html
    assert 'name="api_key"' in html and 'name="api_key_clear"' in html


def test_saving_with_the_input_empty_keeps_the_secret(operator_client, community):
    response = operator_client.post(change_url(community), form_data(community, buzzin_id="66e0000000000000000000ff"))

    assert response.status_code == 302
    assert stored_key(community) == OLD_KEY
    assert BuzzinCommunity.objects.get(community=community).buzzin_id == "66e0000000000000000000ff"


def test_typing_a_new_value_replaces_the_secret(operator_client, community):
    response = operator_client.post(change_url(community), form_data(community, api_key=" bzk_new_9999 "))

    assert response.status_code == 302
    assert stored_key(community) == "bzk_new_9999"


def test_clear_empties_the_secret(operator_client, community):
    response = operator_client.post(change_url(community), form_data(community, api_key_clear="on"))

    assert response.status_code == 302
    assert stored_key(community) == ""


def test_a_form_error_does_not_render_the_secret_typed_or_stored(operator_client, community):
    data = form_data(community, api_key="bzk_typed_secret_5555", api_key_clear="on")
    page = operator_client.post(change_url(community), data)

    html = page.content.decode()
    assert page.status_code == 200  # the form again, with the error
    assert "not both" in html
    assert OLD_KEY not in html and "bzk_typed_secret_5555" not in html
    assert stored_key(community) == OLD_KEY


def test_the_managers_read_only_page_shows_only_the_status(community):
    manager = make_manager("pm-secrets", community)

    page = logged_in(manager).get(change_url(community))

    html = page.content.decode()
    assert page.status_code == 200
    assert OLD_KEY not in html
    assert "set, ends in …1a2b" in html
    assert "Buzz-In API key" in html


def test_the_add_page_offers_an_empty_secret_input(operator_client):
    page = operator_client.get(reverse("admin:integrations_buzzincommunity_add"))

    assert page.status_code == 200
    assert "not set" in page.content.decode()


def test_an_error_report_of_the_change_form_cleanses_the_posted_secret(community, monkeypatch):
    typed = a_secret("bzk")
    request = RequestFactory().post(change_url(community), form_data(community, api_key=typed))
    request.user = UserFactory(is_staff=True, is_superuser=True)
    request._dont_enforce_csrf_checks = True
    model_admin = admin.site.get_model_admin(BuzzinCommunity)

    def explode(*args, **kwargs):
        raise RuntimeError("saving failed")

    monkeypatch.setattr(type(model_admin), "save_model", explode)
    report = error_report(lambda: model_admin.changeform_view(request, str(community.pk)), request=request)

    assert dict(report["filtered_POST_items"])["api_key"] != typed
    assert typed not in str(report["filtered_POST_items"])


# --- the field on its own (any form can use it) -------------------------------------------------------------


class KeyForm(forms.Form):
    key = SecretField(max_length=20, required=False)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"key": ""}, "stored-value-abcd"),
        ({"key": "new-one"}, "new-one"),
        ({"key": "", "key_clear": "on"}, ""),
    ],
)
def test_the_field_keeps_replaces_or_clears(data, expected):
    form = KeyForm(data, initial={"key": "stored-value-abcd"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["key"] == expected
    assert form.has_changed() == (expected != "stored-value-abcd")


def test_the_field_validates_what_is_typed():
    form = KeyForm({"key": "x" * 21}, initial={"key": "stored-value-abcd"})

    assert not form.is_valid()
    assert "stored-value-abcd" not in str(form) and "x" * 21 not in str(form)


@pytest.mark.parametrize(
    ("value", "status"),
    [("", "not set"), (None, "not set"), ("short", "set"), ("bzk_live_0123456789abcdef1a2b", "set, ends in …1a2b")],
)
def test_status(value, status):
    assert secret_status(value) == status
