"""The project installs one import name, ``pledgewatch``; its top-level folders are subpackages."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_installed_package_is_under_the_pledgewatch_name():
    setuptools = _setuptools()
    assert all(name == "pledgewatch" or name.startswith("pledgewatch.")
               for name in [*setuptools["packages"], *setuptools["package-dir"]])


def test_every_folder_with_an_init_is_listed_as_a_package():
    setuptools = _setuptools()
    folders = {folder: name for name, folder in setuptools["package-dir"].items()}
    found = set()
    for folder, name in folders.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((name, *relative)))
    assert found == set(setuptools["packages"])
