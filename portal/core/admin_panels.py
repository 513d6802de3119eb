"""Sections a higher layer adds to a domain object's admin page, without the domain knowing who adds them.

The permit page, say, shows the partners' view of the permit (their ids, every push and its attempts):
``portal.integrations`` registers that section with ``admin_panel("permits.permit")``; the permit admin
asks ``panels_for(request, permit)`` and renders whatever comes back. Same pattern as the dashboard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Panel:
    id: str
    title: str
    html: SafeString
    collapsed: bool = False


PanelProvider = Callable[[object, object], Panel | None]

_providers: dict[str, dict[str, tuple[int, PanelProvider]]] = {}


def admin_panel(model_label: str, order: int = 100):
    """Register ``fn(request, obj) -> Panel | None`` for the change page of ``model_label`` (``app.model``)."""

    def register(fn: PanelProvider) -> PanelProvider:
        _providers.setdefault(model_label, {})[f"{fn.__module__}.{fn.__qualname__}"] = (order, fn)
        return fn

    return register


def panels_for(request, obj) -> list[Panel]:
    label = f"{obj._meta.app_label}.{obj._meta.model_name}"
    ordered = sorted(_providers.get(label, {}).values(), key=lambda item: item[0])
    return [panel for _, provider in ordered if (panel := provider(request, obj)) is not None]
