"""The bench's report: the table carries the spread and the notes; ``latest.json`` is written and committed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bench import report as bench_report
from bench.report import Figure, Report, spread

ROOT = Path(__file__).resolve().parents[2]


def test_table_and_json_carry_spread_goal_and_notes(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_report, "RESULTS", tmp_path)
    run = Report(meta={"quick": True})
    run.figures.append(
        Figure(
            "4 API",
            "creates/s",
            50.0,
            "/s",
            reference=60.0,
            reference_label="plain DRF create",
            ratio=50 / 60,
            goal=">= 0.9x reference",
            met=False,
            spread=spread([48.0, 52.5, 50.1], "/s"),
            note="non-2xx answers: portal 0, reference 0",
        )
    )
    table = run.table()
    assert "48.0-52.5 /s" in table and "0.83x" in table and "NO" in table
    assert "non-2xx answers: portal 0, reference 0" in table
    written = json.loads(run.write().read_text())
    assert written["figures"][0]["spread"] == "48.0-52.5 /s"
    assert written["figures"][0]["met"] is False


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_latest_results_are_not_ignored_but_the_logs_are():
    def ignored(path: str) -> bool:
        return subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False).returncode == 0

    assert not ignored("bench/results/latest.json")
    assert ignored("bench/results/gunicorn.log")


def test_the_readme_table_is_regenerated_from_the_results(tmp_path, monkeypatch):
    from bench import readme

    monkeypatch.setattr(bench_report, "RESULTS", tmp_path)
    run = Report(meta={"machine": "2 cores", "seconds": 12.5, "quick": False, "finished": "2026-12-02"})
    run.figures.append(Figure("3 webhook", "events/s", 480.0, "/s", goal=">= 0.9x reference", met=True))
    path = run.write()
    target = tmp_path / "README.md"
    target.write_text(f"before\n{readme.START}\nold table\n{readme.END}\nafter\n")
    readme.rewrite(target, readme.report_from(path))
    text = target.read_text()
    assert "old table" not in text and text.startswith("before\n") and text.endswith("after\n")
    assert "| 3 webhook" in text and "| 480 /s |" in text and "goals met 1, not met 0" in text


def test_the_committed_readme_has_the_markers():
    from bench import readme

    text = readme.README.read_text()
    assert readme.START in text and readme.END in text
