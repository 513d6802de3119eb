"""Idle sessions end after SESSION_COOKIE_AGE; an active one is refreshed at most once a minute.

Django's SESSION_SAVE_EVERY_REQUEST would do the same at the price of a database write on every
request. Saving the session resets its expiry, so touching it once a minute keeps the idle limit
accurate to a minute.
"""

from __future__ import annotations

import time

TOUCH_KEY = "_last_touch"
TOUCH_EVERY_SECONDS = 60


class SessionActivityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            if now - session.get(TOUCH_KEY, 0) >= TOUCH_EVERY_SECONDS:
                session[TOUCH_KEY] = now
        return self.get_response(request)
