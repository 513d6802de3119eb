"""The admin index dashboard, computed for the communities of the signed-in user.

Core knows nothing of permits or contractors (imports only point down): each app's admin
registers a panel provider with ``dashboard_provider``; the ``admin_dashboard`` template tag
(``portal.core.templatetags.dashboard``) merges what they return into one context. Every
provider answers with a few aggregate queries, never one query per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

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


def bar_chart(rows: list[dict], series: list[str], *, height: int = 120, bar: int = 14, gap: int = 12) -> dict:
    """Geometry of a grouped bar chart drawn as server-side SVG: no script, no CDN."""
    peak = max([row[name] for row in rows for name in series] or [0]) or 1
    group = bar * len(series) + gap
    bars, labels = [], []
    for index, row in enumerate(rows):
        left = gap + index * group
        for offset, name in enumerate(series):
            size = round(row[name] * height / peak)
            bars.append(Bar(x=left + offset * bar, y=height - size, height=size, value=row[name], series=name))
        labels.append({"x": left, "text": row["label"]})
    return {
        "bars": bars,
        "labels": labels,
        "width": gap + len(rows) * group,
        "height": height,
        "peak": peak,
        "bar": bar,
    }
