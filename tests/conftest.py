import pytest

from portal.core.actors import Actor


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploaded files into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture
def actor():
    return Actor.system("test")


@pytest.fixture(autouse=True)
def _language_reset():
    """Each test starts in the default language: a test that activates Arabic in this thread (a request
    through the locale middleware, ``translation.activate``) must not change the words of the next one."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
