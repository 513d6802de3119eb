"""``python -m bench.readme``: the README's table of figures, regenerated from ``bench/results/latest.json``.

Rewrites what lies between the ``<!-- bench:table -->`` and ``<!-- /bench:table -->`` markers of README.md,
so the figures the README shows are those of the run committed beside them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .report import RESULTS, Figure, Report

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- bench:table -->", "<!-- /bench:table -->"


def report_from(path: Path) -> Report:
    data = json.loads(path.read_text())
    return Report(meta=data["meta"], figures=[Figure(**figure) for figure in data["figures"]])


def section(run: Report) -> str:
    meta = run.meta
    met = sum(f.met is True for f in run.figures)
    missed = sum(f.met is False for f in run.figures)
    head = (
        f"Run of {meta.get('finished', meta.get('date', '?'))}: {meta.get('machine', '?')}; "
        f"{meta.get('seconds', '?')} s in all{' (quick sizes)' if meta.get('quick') else ''}; "
        f"goals met {met}, not met {missed}."
    )
    return f"{START}\n{head}\n\n{run.table()}\n{END}"


def rewrite(readme: Path, run: Report) -> None:
    text = readme.read_text()
    before, found, rest = text.partition(START)
    if not found or END not in rest:
        raise SystemExit(f"{readme}: the markers {START} and {END} are missing")
    after = rest.split(END, 1)[1]
    readme.write_text(before + section(run) + after)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    source = Path(argv[0]) if argv else RESULTS / "latest.json"
    rewrite(README, report_from(source))
    print(f"README.md: table regenerated from {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
