"""The layers import only downward, and the domain never names a partner (DESIGN: "Layers").

portal/ (root) → portal/api → portal/integrations → permits → contractors → portal/core.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package → the packages it must never import (higher layers, and the checkout-only tools)
FORBIDDEN = {
    "portal/core": ("contractors", "permits", "portal.integrations", "portal.api", "sandboxes", "faults", "bench"),
    "contractors": ("permits", "portal.integrations", "portal.api", "sandboxes", "faults", "bench"),
    "permits": ("portal.integrations", "portal.api", "sandboxes", "faults", "bench"),
    "portal/integrations": ("portal.api", "sandboxes", "faults", "bench"),
    "portal/api": ("sandboxes", "faults", "bench"),
}
DOMAIN = ("portal/core", "contractors", "permits")
PARTNER_NAMES = re.compile(r"buzz.?in|ops.?com", re.IGNORECASE)


def python_files(package: str) -> list[Path]:
    return sorted(path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(package):
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in python_files(package)
        for module in imported_modules(path)
        if any(module == banned or module.startswith(banned + ".") for banned in FORBIDDEN[package])
    ]
    assert wrong == []


@pytest.mark.parametrize("package", DOMAIN)
def test_the_domain_never_names_a_partner(package):
    named = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in python_files(package)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if PARTNER_NAMES.search(line)
    ]
    assert named == []
