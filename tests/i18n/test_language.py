"""Which language a page speaks: the browser's for visitors, the saved choice for people signed in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.core.language import language_of
from portal.core.models import LanguagePreference
from portal.integrations.notifications.messages import language_for

pytestmark = pytest.mark.django_db

ARABIC_HTML = '<html lang="ar" dir="rtl">'
ENGLISH_HTML = '<html lang="en" dir="ltr">'


def page(client: Client, url: str, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


def switch(client: Client, language: str, next_url: str = "/") -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302


def test_the_sign_in_page_speaks_the_browsers_arabic():
    html = page(Client(), reverse("login"), accept_language="ar-AE,ar;q=0.9,en;q=0.5")
    assert ARABIC_HTML in html
    assert "تسجيل الدخول" in html and "بوابة التصاريح" in html


def test_english_by_default():
    html = page(Client(), reverse("login"))
    assert ENGLISH_HTML in html and "Sign in" in html


def test_every_page_has_the_switcher_as_a_plain_form():
    html = page(Client(), reverse("login"))
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="ar"' in html and "<script>" not in html


def test_a_visitors_choice_is_a_cookie():
    client = Client()
    switch(client, "ar", reverse("login"))
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert ARABIC_HTML in page(client, reverse("login"), accept_language="en")


def test_a_signed_in_choice_is_saved_and_wins_over_the_browser(user_a, client_a):
    switch(client_a, "ar", reverse("permits:list"))
    assert LanguagePreference.objects.get(user=user_a).language == "ar"
    assert ARABIC_HTML in page(client_a, reverse("permits:list"), accept_language="en")

    elsewhere = Client(headers={"accept-language": "en"})  # another browser, no cookie
    elsewhere.force_login(user_a)
    assert ARABIC_HTML in page(elsewhere, reverse("permits:list"))


def test_switching_back_to_english_is_saved_too(user_a, client_a):
    LanguagePreference.objects.create(user=user_a, language="ar")
    switch(client_a, "en", reverse("permits:list"))
    assert language_of(user_a) == "en"
    assert ENGLISH_HTML in page(client_a, reverse("permits:list"))


def test_someone_who_never_chose_keeps_the_browsers_language_for_pages_and_mail(user_a):
    client = Client(headers={"accept-language": "ar"})
    client.force_login(user_a)
    assert ARABIC_HTML in page(client, reverse("permits:list"))
    assert language_for(user_a) == "ar"


def test_an_unknown_language_changes_nothing(user_a, client_a):
    client_a.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert not LanguagePreference.objects.filter(user=user_a, language="xx").exists()


def test_the_admin_speaks_the_managers_language_and_has_the_switcher(manager):
    LanguagePreference.objects.create(user=manager, language="ar")
    client = Client()
    client.force_login(manager)
    html = page(client, reverse("admin:index"))
    assert ARABIC_HTML in html
    assert 'name="language" value="en"' in html
    assert "إدارة بوابة التصاريح" in html or "الموقع" in html


def test_email_language_follows_the_saved_choice(user_a):
    assert language_for(user_a) == "en"
    LanguagePreference.objects.create(user=user_a, language="ar")
    assert language_for(user_a) == "ar"


def test_the_api_answers_in_english_unless_asked_otherwise():
    english = Client().get("/api/v1/permits/00000000", headers={"authorization": "Bearer nope-nope-nope-nope"})
    assert english.json()["message"] == "The API key is not valid or has been revoked."
    arabic = Client().get(
        "/api/v1/permits/00000000", headers={"authorization": "Bearer nope-nope-nope-nope", "accept-language": "ar"}
    )
    assert arabic.json()["message"] == "مفتاح API غير صالح أو أُلغي."
    assert arabic.json()["name"] == "Unauthorized"  # the contract's names stay as they are


def test_emails_go_in_the_recipients_language(user_a, permit_a):
    from portal.integrations.notifications.messages import notification_email
    from portal.integrations.notifications.models import Notification

    LanguagePreference.objects.create(user=user_a, language="ar")
    notification = Notification(
        recipient=user_a, kind="permit_rejected", data={"permit": permit_a.pk, "reference": permit_a.reference}
    )
    mail = notification_email(notification, user_a)
    assert mail.subject == f"رُفض تصريح العمل {permit_a.reference}"
    assert "مرحبًا" in mail.body
