"""The lean middleware stack of machine clients: the JSON API (``/api/v1/``) and the partner webhooks.

Their callers send a key or a signature, never a cookie: sessions, CSRF cookies, signed-in users and flash
messages are work for nothing there. The middleware below are Django's own (subclasses, so the system
checks still find them) that step aside on ``settings.LEAN_PATH_PREFIXES``. Everything else of the stack
still runs on those paths: request id and logging, metrics, the security headers, the CSP, the language of
``Accept-Language`` (LocaleMiddleware), the CSRF check of a view that is not exempt, the sign-in lockout.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest
from whitenoise import middleware as whitenoise


def on_lean_path(request: HttpRequest) -> bool:
    return request.path_info.startswith(tuple(settings.LEAN_PATH_PREFIXES))


class SkippedOnLeanPaths:
    """First base of a middleware machine clients do not need: on a lean path the request goes straight on."""

    def __call__(self, request: HttpRequest):
        if on_lean_path(request):
            return self.get_response(request)
        return super().__call__(request)


class WhiteNoiseMiddleware(SkippedOnLeanPaths, whitenoise.WhiteNoiseMiddleware):
    """No static file lives under a lean path."""


class SessionMiddleware(SkippedOnLeanPaths, sessions.SessionMiddleware):
    pass


class AuthenticationMiddleware(SkippedOnLeanPaths, auth.AuthenticationMiddleware):
    """API clients are authenticated by their key (DRF), webhooks by their signature."""


class MessageMiddleware(SkippedOnLeanPaths, messages.MessageMiddleware):
    pass
