"""A tiny router: ``"/permits/{id}"`` templates matched against a method and path."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .errors import ApiError


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[..., Any]
    operation: str | None = None  # name in the idempotency stats; None for reads


def route(method: str, template: str, handler: Callable[..., Any], operation: str | None = None) -> Route:
    regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "/?$"
    return Route(method, re.compile(regex), handler, operation)


def match(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]]:
    path_matched = False
    for candidate in routes:
        found = candidate.pattern.match(path)
        if found is None:
            continue
        path_matched = True
        if candidate.method == method:
            return candidate, {name: unquote(value) for name, value in found.groupdict().items()}
    if path_matched:
        raise ApiError(405, f"{method} is not allowed on {path}")
    raise ApiError(404, f"No route for {method} {path}")
