"""The house's floors hold: a package imports only from its own floor or below, so no import runs
back up and no two packages import each other (docs/architecture.md draws the floors)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOORS = {
    "pledgewatch.core": 0,
    "pledgewatch.scraper": 1, "pledgewatch.storage": 1,
    "pledgewatch.etl": 2,
    "pledgewatch.report": 3, "pledgewatch.delivery": 3, "pledgewatch.publish": 3,
    "pledgewatch": 4,  # the app: pipeline, scheduler, config, status
    "pledgewatch.cli": 5,
}


def package_of(module: str) -> str:
    """The floor-bearing package a module belongs to: the longest prefix in FLOORS."""
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        if ".".join(parts[:size]) in FLOORS:
            return ".".join(parts[:size])
    raise AssertionError(f"{module} is on no floor")


def modules() -> dict[str, Path]:
    """Every installed module, by its dotted name, from pyproject's package-dir mapping."""
    mapping = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    found = {}
    for name, folder in mapping.items():
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT / folder).with_suffix("").parts
            if "migrations" in relative:
                continue  # Alembic's scripts are loaded by path, never imported
            dotted = ".".join((name, *relative)).removesuffix(".__init__")
            if package_of(dotted) == package_of(name) or name == "pledgewatch":
                found[dotted] = path
    return found


def imports_of(path: Path) -> set[str]:
    """Every ``pledgewatch...`` module a file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] == "pledgewatch"}


def _imported_packages(name: str, path: Path) -> set[str]:
    known = modules()
    return {package_of(m) for m in imports_of(path) if m in known or m in FLOORS}


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_import_runs_back_up_a_floor(name):
    own = package_of(name)
    for imported in _imported_packages(name, modules()[name]):
        assert FLOORS[imported] <= FLOORS[own], f"{name} (floor {FLOORS[own]}) imports {imported}"


def test_no_two_packages_of_one_floor_import_each_other():
    edges = {(package_of(name), imported) for name, path in modules().items()
             for imported in _imported_packages(name, path) if imported != package_of(name)}
    assert not {(a, b) for a, b in edges if (b, a) in edges}
