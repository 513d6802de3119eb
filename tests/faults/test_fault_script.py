"""``python -m faults`` with small counts and short fault windows, as a subprocess (``RUN_FAULTS=1``).

CI runs ``make faults`` itself (PostgreSQL, a private RabbitMQ node) with the full floors; this wrapper is a
quick local check with each floor scaled to the faults it asks for.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(os.environ.get("RUN_FAULTS") != "1", reason="set RUN_FAULTS=1 to run the fault script"),
]


def test_the_fault_script_proves_its_faults_and_loses_nothing_and_applies_nothing_twice():
    command = [sys.executable, "-m", "faults", "--changes", "80", "--permits", "6", "--floors", "scaled"]
    command += ["--kills-mid-send", "1", "--kills-after-apply", "2", "--broker-restarts", "1", "--web-kills", "1"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    for line in ("lost: 0", "duplicated: 0", "failed: 0", "RESULT: PASS"):
        assert line in output
    assert "LOW" not in output  # every fault proven at least as often as its floor
    for kind in ("noc versions", "reissues", "creates and submits", "contractor approvals", "parking deletes"):
        assert kind in output
