"""Shared fixtures: databases on both backends, paths to the bundled fixtures.

``db_url`` is parametrized over SQLite and a real PostgreSQL server started for
the session on 127.0.0.1, so every test that takes it runs on both. Set
``PLEDGEWATCH_TEST_POSTGRES=0`` to run the SQLite half only on a machine
without PostgreSQL; CI installs the server and never sets it.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.scraper.offline import GUARD_ENV
from pledgewatch.storage.db import open_database
from tests.support.postgres import create_database, running_postgres

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
_database_numbers = itertools.count(1)

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
if os.environ.get("PLEDGEWATCH_TEST_POSTGRES") == "0":
    BACKENDS = ["sqlite"]


@pytest.fixture(scope="session")
def network_guard_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every crawl process of the session refuses non-loopback traffic and writes it here."""
    log = tmp_path_factory.mktemp("network-guard") / "refused.log"
    os.environ[GUARD_ENV] = str(log)  # inherited by each crawl child (scraper/offline.py)
    yield log
    os.environ.pop(GUARD_ENV, None)


@pytest.fixture(autouse=True)
def no_crawl_leaves_loopback(network_guard_log: Path) -> Iterator[None]:
    """Fail the test whose crawl tried to reach any address but 127.0.0.0/8 (it was refused)."""
    yield
    if network_guard_log.exists():
        attempts = network_guard_log.read_text(encoding="utf-8")
        network_guard_log.unlink()
        pytest.fail(f"a crawl tried to leave loopback: {attempts.strip()}")


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    with running_postgres() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to a fresh, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pledgewatch.db'}"
    admin = request.getfixturevalue("postgres_admin_url")
    return create_database(admin, f"pledgewatch_test_{next(_database_numbers)}")


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on ``db_url``, schema at head; its connections closed afterwards."""
    made = open_database(db_url)
    yield made
    made.dispose()


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
