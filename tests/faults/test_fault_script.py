"""``python -m faults`` with small counts and short fault windows, as a subprocess (``RUN_FAULTS=1``).

CI runs ``make faults`` itself on PostgreSQL and Redis; this wrapper is for a quick local check.
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


def test_the_fault_script_loses_nothing_and_applies_nothing_twice():
    command = [sys.executable, "-m", "faults", "--changes", "60", "--permits", "8", "--outage-seconds", "3"]
    command += ["--worker-kills", "1", "--broker-down-seconds", "2", "--web-kills", "1", "--drain-timeout", "90"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=420)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "lost: 0" in output
    assert "duplicated: 0" in output
    assert "failed: 0" in output
