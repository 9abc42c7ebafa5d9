"""Fixtures for the application tests: a fresh SQLite database per test, upgraded to head."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from storage.db import open_database


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'pledgewatch.db'}"


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    made = open_database(db_url)
    yield made
    made.kw["bind"].dispose()
