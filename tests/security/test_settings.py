"""The settings a server gets when nobody configured anything: no debug pages."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Without any environment variable and without reading a developer's .env file.
PROBE = """
import environ
environ.Env.read_env = classmethod(lambda *args, **kwargs: None)
import django
django.setup()
from django.conf import settings
from django.test import Client
body = Client().get("/no-such-page/").content.decode()
print("DEBUG", settings.DEBUG, "debug-page" if "URLconf" in body else "plain-404")
"""


def test_base_settings_with_an_empty_environment_show_no_debug_page():
    environment = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings.base"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "DEBUG False plain-404"


def test_the_dev_run_turns_debug_on_explicitly(monkeypatch):
    from portal import devrun

    monkeypatch.delenv("DEBUG", raising=False)
    monkeypatch.setattr(devrun, "dev_secrets", dict)
    assert devrun.environment()["DEBUG"] == "true"
