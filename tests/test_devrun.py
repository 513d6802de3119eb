"""``make run`` ends with what a newcomer needs: the URLs, password and accounts, after the worker's banner."""

from __future__ import annotations

import subprocess
import sys
import threading

from portal import devrun

SEED_OUTPUT = """Demo data ready.
  Admin:       http://127.0.0.1:8000/admin/
  Contractors: http://127.0.0.1:8000/
  Password for every account: s3cret-pass
    admin        superuser
    manager      property manager of DAMAC Hills
  JSON API:    http://127.0.0.1:8000/api/v1/  (reference: http://127.0.0.1:8000/api/docs/)
  API keys, sent as 'Authorization: Bearer <key>':
    DAMAC Hills    ppk_abc
"""


def test_the_summary_has_every_url_the_password_and_the_accounts():
    text = devrun.summary({"SITE_URL": "http://127.0.0.1:8000"}, SEED_OUTPUT)
    for needed in ("http://127.0.0.1:8000/admin/", "/api/docs/", "s3cret-pass", "manager ", "ppk_abc", "Ctrl-C"):
        assert needed in text
    assert text.count("http://127.0.0.1:8000/admin/") == 1  # the seed's own URL lines are not repeated


def test_the_summary_waits_for_the_workers_ready_line(capsys):
    script = "import time; print('banner line'); print('celery@host ready.', flush=True); time.sleep(0.2)"
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    ready = threading.Event()
    reader = threading.Thread(target=devrun.echo_until_ready, args=(child, ready))
    reader.start()
    assert ready.wait(timeout=10)
    child.wait()
    reader.join()
    assert "celery@host ready." in capsys.readouterr().out  # echoed through, before the summary
