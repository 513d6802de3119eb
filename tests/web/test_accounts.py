"""Registration, sign-in, sign-out and password reset (also how an invited user sets a password)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from contractors import services
from contractors.models import Contractor, ContractorMembership
from portal.core.actors import Actor

from .conftest import Counts, assert_says

pytestmark = pytest.mark.django_db

PASSWORD = "Sand-dune-42-orbit"


def _registration(community, **overrides):
    data = {
        "company_name": "Desert Rose Fit-out LLC",
        "contact_name": "Layla Saeed",
        "company_email": "info@desertrose.example",
        "phone": "+971501230000",
        "trade_licence_number": "TL-9001",
        "community": community.pk,
        "email": "Layla@DesertRose.example",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return {**data, **overrides}


def test_register_creates_a_pending_company_and_signs_in(client, community):
    response = client.post(reverse("register"), _registration(community), follow=True)
    assert response.redirect_chain[-1][0] == reverse("permits:company")
    contractor = Contractor.objects.get(email="info@desertrose.example")
    membership = ContractorMembership.objects.get(contractor=contractor)
    assert membership.community == community
    assert membership.status == "pending"
    assert contractor.users.get().user.username == "layla@desertrose.example"
    assert_says(response, "Pending approval")
    page = client.get(reverse("permits:create"))
    assert_says(page, "Your company is not approved in any community yet")


def test_register_with_a_taken_sign_in_email_saves_nothing(client, community, user_a):
    counts = Counts(Contractor, get_user_model())
    response = client.post(reverse("register"), _registration(community, email=user_a.username))
    assert response.status_code == 200
    assert_says(response, "This e-mail address already has an account.")
    assert counts.unchanged()
    assert 'value="Desert Rose Fit-out LLC"' in response.content.decode()


def test_register_with_a_taken_company_email(client, community, company_a):
    counts = Counts(Contractor)
    response = client.post(reverse("register"), _registration(community, company_email=company_a.email))
    assert_says(response, "A company with this e-mail address is already registered.")
    assert counts.unchanged()


def test_register_password_mismatch(client, community):
    response = client.post(reverse("register"), _registration(community, password2="other-Password-99"))
    assert_says(response, "The two passwords differ.")
    assert not Contractor.objects.exists()


def test_sign_in_and_out(client, user_a):
    response = client.post(
        reverse("login"), {"username": "OMAR@alnoor.example", "password": "pass-word-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("permits:list")
    assert response.context["user"] == user_a
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("permits:list")).status_code == 302


def test_staff_signing_in_here_lands_in_the_admin(client, manager):
    response = client.post(reverse("login"), {"username": "manager", "password": "pass-word-123"})
    assert client.get(response["Location"])["Location"] == "/admin/"


def _reset_link(email: str) -> str:
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [email]
    return re.search(r"https?://[^/]+(/accounts/reset/\S+/)", message.body).group(1)


def _set_password(client: Client, link: str, password: str):
    response = client.get(link)
    assert response.status_code == 302  # Django hides the token behind a session redirect
    form_url = response["Location"]
    assert client.get(form_url).context["validlink"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_password_reset_email_and_link(client, user_a):
    response = client.post(reverse("password_reset"), {"email": user_a.email})
    assert response["Location"] == reverse("password_reset_done")
    link = _reset_link(user_a.email)
    response = _set_password(client, link, PASSWORD)
    assert response["Location"] == reverse("password_reset_complete")
    assert Client().login(username=user_a.username, password=PASSWORD)


def test_invited_user_sets_a_first_password_through_the_reset(client, company_a):
    profile = services.contractor_user_create(
        actor=Actor.system("invite"), contractor=company_a, email="new.hire@alnoor.example", password=None
    )
    assert not profile.user.has_usable_password()
    client.post(reverse("password_reset"), {"email": "new.hire@alnoor.example"})
    link = _reset_link("new.hire@alnoor.example")
    _set_password(client, link, PASSWORD)
    assert Client().login(username="new.hire@alnoor.example", password=PASSWORD)


def test_a_used_link_no_longer_works(client, user_a):
    client.post(reverse("password_reset"), {"email": user_a.email})
    link = _reset_link(user_a.email)
    _set_password(client, link, PASSWORD)
    response = Client().get(link, follow=True)
    assert_says(response, "This link no longer works")


def test_a_user_without_company_is_told_so(client_for):
    from tests.factories import UserFactory

    response = client_for(UserFactory()).get(reverse("permits:list"))
    assert response.status_code == 403
    assert_says(response, "This account is not linked to a company")


def test_reset_is_not_sent_to_a_lookalike_address(client, company_a):
    services.contractor_user_create(
        actor=Actor.system("invite"), contractor=company_a, email="strasse@alnoor.example", password=None
    )
    client.post(reverse("password_reset"), {"email": "STRASSE@alnoor.example"})
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    client.post(reverse("password_reset"), {"email": "straße@alnoor.example"})
    assert mail.outbox == []
