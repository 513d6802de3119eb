"""The figures of one run: a table on stdout and ``bench/results/latest.json``."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Figure:
    workload: str
    name: str
    value: float
    unit: str
    reference: float | None = None  # the same measure of the reference point, same run
    reference_label: str = ""
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None
    note: str = ""
    spread: str = ""  # min-max over the repeats (rounds) of the headline figures


@dataclass
class Report:
    meta: dict = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        print(f"  {_line(figure)}", flush=True)
        return figure

    def table(self) -> str:
        headers = ["workload", "figure", "value", "spread (3 rounds)", "reference", "ratio", "goal", "met"]
        rows = [
            [
                f.workload,
                f.name,
                _number(f.value, f.unit),
                f.spread,
                _number(f.reference, f.unit) + (f" ({f.reference_label})" if f.reference_label else "")
                if f.reference is not None
                else "",
                f"{f.ratio:.2f}x" if f.ratio is not None else "",
                f.goal,
                {True: "yes", False: "NO", None: ""}[f.met],
            ]
            for f in self.figures
        ]
        widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
        lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"]
        lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        lines += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in rows]
        notes = [f"- {f.workload}, {f.name}: {f.note}" for f in self.figures if f.note]
        return "\n".join(lines + (["", "Notes:", *notes] if notes else []))

    def write(self) -> Path:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / "latest.json"
        path.write_text(json.dumps({"meta": self.meta, "figures": [asdict(f) for f in self.figures]}, indent=2))
        return path


def _number(value, unit: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if float(value).is_integer() and abs(value) >= 1:
        return f"{int(value):,} {unit}".strip()
    return f"{value:,.1f} {unit}".strip() if abs(value) >= 10 else f"{value:,.2f} {unit}".strip()


def _line(f: Figure) -> str:
    reference = f" vs {_number(f.reference, f.unit)}" if f.reference is not None else ""
    ratio = f" ({f.ratio:.2f}x)" if f.ratio is not None else ""
    met = {True: " ok", False: " NOT MET", None: ""}[f.met]
    spread = f" [{f.spread}]" if f.spread else ""
    return f"{f.workload}: {f.name} = {_number(f.value, f.unit)}{spread}{reference}{ratio}{met}"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def spread(values: list[float], unit: str) -> str:
    """``61.2-72.0 ms``: the lowest and the highest of the repeats."""
    if not values:
        return ""
    return f"{min(values):,.1f}-{max(values):,.1f} {unit}".strip()
