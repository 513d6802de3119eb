"""The admin index dashboard, computed for the communities of the signed-in user.

Core knows nothing of permits or contractors (imports only point down): each app's admin
registers a panel provider with ``dashboard_provider``; the ``admin_dashboard`` template tag
(``portal.core.templatetags.dashboard``) merges what they return into one context. Every
provider answers with a few aggregate queries, never one query per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Provider = Callable[[object], dict]

_providers: dict[str, tuple[int, Provider]] = {}


def dashboard_provider(order: int = 100):
    """Register ``fn(request) -> dict`` as a dashboard panel; lower ``order`` renders first."""

    def register(fn: Provider) -> Provider:
        _providers[f"{fn.__module__}.{fn.__qualname__}"] = (order, fn)
        return fn

    return register


def dashboard_context(request) -> dict:
    context: dict = {}
    for _, provider in sorted(_providers.values(), key=lambda item: item[0]):
        context.update(provider(request))
    return context


def admin_url(name: str, *args, query: str = "") -> str:
    """An admin URL, or "" when that page is not there (e.g. another engineer's admin is missing)."""
    try:
        url = reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{query}" if query else url


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    value: int
    series: str


@dataclass(frozen=True)
class BarChart:
    """A grouped bar chart's geometry; ``svg`` draws it (server-side SVG: no script, no CDN).

    The markup is written here rather than in a template loop: a chart of 56 days draws 112 bars, and the
    template engine's per-variable cost made the charts a fifth of the dashboard's rendering time.
    """

    bars: list[Bar]
    labels: list[dict]
    width: int
    height: int
    bar: int
    series_labels: dict = field(default_factory=dict)

    def svg(self, aria_label: str) -> SafeString:
        """The chart as one ``<svg>``: a ``<title>`` per bar ("Series: value", or the value), day or month ticks."""
        full = self.height + 30
        parts = [
            f'<svg role="img" aria-label="{escape(aria_label)}" width="{self.width}" height="{full}" '
            f'viewBox="0 0 {self.width} {full}">'
        ]
        for bar in self.bars:
            parts.append(
                f'<rect class="{escape(bar.series)}" x="{bar.x}" y="{bar.y}" width="{self.bar}" '
                f'height="{bar.height}"><title>{escape(self._title(bar))}</title></rect>'
            )
        tick = self.height + 14
        parts += [
            f'<text x="{label["x"]}" y="{tick}">{escape(label["text"])}</text>'
            for label in self.labels
            if label["text"]
        ]
        parts.append("</svg>")
        return mark_safe("".join(parts))  # every value above is a number or escaped

    def _title(self, bar: Bar) -> str:
        label = self.series_labels.get(bar.series)
        return f"{label}: {bar.value}" if label else str(bar.value)


def bar_chart(
    rows: list[dict],
    series: list[str],
    *,
    height: int = 120,
    bar: int = 14,
    gap: int = 12,
    series_labels: dict | None = None,
) -> BarChart:
    """Geometry of a grouped bar chart: one group per row, one bar per series, scaled to the highest value."""
    peak = max([row[name] for row in rows for name in series] or [0]) or 1
    group = bar * len(series) + gap
    bars, labels = [], []
    for index, row in enumerate(rows):
        left = gap + index * group
        for offset, name in enumerate(series):
            size = round(row[name] * height / peak)
            bars.append(Bar(x=left + offset * bar, y=height - size, height=size, value=row[name], series=name))
        labels.append({"x": left, "text": row["label"]})
    return BarChart(
        bars=bars,
        labels=labels,
        width=gap + len(rows) * group,
        height=height,
        bar=bar,
        series_labels=series_labels or {},
    )
