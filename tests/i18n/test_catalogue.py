"""The Arabic catalogue is complete: `messages_update` (makemessages) on a copy finds nothing new,
untranslated or fuzzy, and every translation keeps its placeholders."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ar" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}")


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory) -> polib.POFile:
    """The catalogue as makemessages leaves it after reading today's code and templates, in a copy of the
    checkout (makemessages writes next to the files it reads, so it must not run in the checkout itself)."""
    copy = tmp_path_factory.mktemp("checkout") / "portal"
    skipped = ("tests", "sandboxes", "bench", "faults", "deploy", "var", "build", "screenshots", "node_modules")
    shutil.copytree(
        settings.BASE_DIR, copy, ignore=shutil.ignore_patterns(".*", "*.egg-info", "__pycache__", "*.mo", *skipped)
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        patch.setattr(settings, "LOCALE_PATHS", [str(copy / "locale")])
        call_command("messages_update", verbosity=0)
    return polib.pofile(str(copy / "locale" / "ar" / "LC_MESSAGES" / "django.po"))


def label(entry: polib.POEntry) -> str:
    return f"{entry.msgid!r} ({', '.join(sorted({path for path, _line in entry.occurrences}))})"


def test_no_string_is_left_untranslated(refreshed):
    untranslated = [label(entry) for entry in refreshed.untranslated_entries()]
    assert not untranslated, "translate in locale/ar/LC_MESSAGES/django.po (make messages):\n" + "\n".join(untranslated)


def test_no_translation_is_fuzzy(refreshed):
    assert not [label(entry) for entry in refreshed.fuzzy_entries()]


def test_the_committed_catalogue_is_current(refreshed):
    """Nothing in the code that the committed .po lacks, nothing in the .po that the code dropped."""
    committed = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete}
    current = {(entry.msgctxt, entry.msgid) for entry in refreshed if not entry.obsolete}
    assert committed == current


def test_translations_keep_their_placeholders():
    wrong = []
    for entry in polib.pofile(str(CATALOGUE)):
        expected = sorted(set(PLACEHOLDER.findall(entry.msgid)))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in filter(None, forms):  # untranslated: test_no_string_is_left_untranslated
            found = sorted(set(PLACEHOLDER.findall(text)))
            if found != expected and not (entry.msgid_plural and set(found) <= set(expected)):
                wrong.append((entry.msgid, text))
    assert not wrong
