"""The language of the pages and e-mails: the person's saved choice, else the browser's (LocaleMiddleware).

A signed-in person's choice is read once per session (kept under ``SESSION_KEY``), so pages cost no
extra query; switching (``language_switch``) saves it for the person and for the session at once.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .models import LanguagePreference

SESSION_KEY = "_language"
CODES = {code for code, _name in settings.LANGUAGES}


def language_of(user) -> str:
    """The language a person reads: their saved choice, else the portal's default (English)."""
    if user is None or not getattr(user, "pk", None):
        return settings.LANGUAGE_CODE
    saved = LanguagePreference.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return saved if saved in CODES else settings.LANGUAGE_CODE


def language_preference_set(*, user, language: str) -> None:
    """Remember the person's language (an unknown code is ignored)."""
    if language in CODES:
        LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})


class UserLanguageMiddleware:
    """After authentication: a signed-in person sees their saved language whatever their browser says.

    Someone who never chose keeps the language LocaleMiddleware found (cookie, then browser), and that
    language is saved as theirs on their first page, so their e-mails follow it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            language = request.session.get(SESSION_KEY)
            if language not in CODES:
                language = self._saved_or_current(user, request)
                request.session[SESSION_KEY] = language
            if language != request.LANGUAGE_CODE:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)

    @staticmethod
    def _saved_or_current(user, request) -> str:
        saved = LanguagePreference.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
        if saved in CODES:
            return saved
        current = translation.get_supported_language_variant(request.LANGUAGE_CODE)
        language_preference_set(user=user, language=current)
        return current


@require_POST
def language_switch(request: HttpRequest):
    """Django's set_language (cookie and redirect), and the choice saved for a signed-in person.

    Someone not signed in changes only the cookie: on signing in, their saved choice (if any) wins.
    """
    response = set_language(request)
    language = request.POST.get("language", "")
    if language in CODES and request.user.is_authenticated:
        language_preference_set(user=request.user, language=language)
        request.session[SESSION_KEY] = language
    return response
