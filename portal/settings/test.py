"""Test settings: the base settings with fast hashing, in-memory mail and no outbox dispatch."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True  # pytest-django still runs each test with DEBUG off unless asked (--django-debug-mode)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
OUTBOX_DISPATCH = env.bool("OUTBOX_DISPATCH", default=False)
# A test's rows are uncommitted: a sweep on a connection of its own would not see them (tests of it commit).
EXPIRY_SWEEP_CONNECTIONS = 1
# Tests run the hand-over where the row commits (the hand-over thread has tests of its own).
WEBHOOK_HANDOVER_IN_BACKGROUND = env.bool("WEBHOOK_HANDOVER_IN_BACKGROUND", default=False)
MEDIA_ROOT = env("MEDIA_ROOT", default="/tmp/permit-portal-test-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
BUZZIN_WEBHOOK_SECRET = env("BUZZIN_WEBHOOK_SECRET", default="test-webhook-secret")
# Sign-in lockout is tested on purpose (tests enable it); elsewhere tests sign in freely.
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)
