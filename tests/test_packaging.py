"""The production package: a wheel carries the portal's apps and nothing that only a checkout needs
(the partner sandboxes, tests, the fault script, the benchmarks), and the portal works without them."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_PACKAGES = ("portal", "permits", "contractors")
CHECKOUT_ONLY = ("sandboxes", "tests", "faults", "bench")


def _source_copy(destination: Path) -> Path:
    """The checkout without local state, so a stale ``build/`` or egg-info cannot leak into the wheel."""
    ignore = shutil.ignore_patterns(".git", ".venv", "var", "build", "*.egg-info", "__pycache__", "screenshots")
    return Path(shutil.copytree(ROOT, destination, ignore=ignore))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    work = tmp_path_factory.mktemp("packaging")
    source = _source_copy(work / "source")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--check-build-dependencies"]
    built = subprocess.run([*command, "-w", str(work), "."], cwd=source, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    [path] = work.glob("permit_portal-*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def _top_level(name: str) -> str:
    return name.split("/", 1)[0]


def test_the_wheel_carries_every_module_of_the_portals_packages(wheel):
    in_wheel = {name for name in wheel.namelist() if name.endswith(".py")}
    in_checkout = {
        path.relative_to(ROOT).as_posix() for package in PRODUCTION_PACKAGES for path in (ROOT / package).rglob("*.py")
    }
    assert "portal/integrations/buzzin/client.py" in in_checkout
    assert in_wheel == in_checkout


def test_the_wheel_carries_no_sandbox_and_nothing_from_a_checkout(wheel):
    names = wheel.namelist()
    assert [name for name in names if "sandbox" in name.lower()] == []
    assert [name for name in names if _top_level(name) in CHECKOUT_ONLY] == []


def _imported_modules(source: str) -> set[str]:
    tree = ast.parse(source)
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}


def _checkout_only(module: str) -> bool:
    return module.split(".", 1)[0] in CHECKOUT_ONLY


def test_no_module_in_the_wheel_imports_what_a_checkout_alone_has(wheel):
    imports = {name: _imported_modules(wheel.read(name).decode()) for name in wheel.namelist() if name.endswith(".py")}
    offenders = {name: sorted(filter(_checkout_only, modules)) for name, modules in imports.items()}
    assert {name: modules for name, modules in offenders.items() if modules} == {}


# Production settings in a process where the checkout-only packages cannot be imported: the deploy
# checklist passes and every module of the production packages imports.
WITHOUT_CHECKOUT_ONLY = f"""
import importlib, pkgutil, sys
for name in {CHECKOUT_ONLY!r}:
    sys.modules[name] = None  # any import of it raises ImportError
import django
from django.core.management import execute_from_command_line
django.setup()
execute_from_command_line(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
for package in {PRODUCTION_PACKAGES!r}:
    root = importlib.import_module(package)
    for module in pkgutil.walk_packages(root.__path__, prefix=package + "."):
        importlib.import_module(module.name)
print("imported without the checkout-only packages")
"""


def test_production_settings_work_without_the_sandboxes():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "packaging-test-" + "x" * 50,
        "ALLOWED_HOSTS": "permits.example.com",
    }
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_CHECKOUT_ONLY], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "imported without the checkout-only packages" in result.stdout
