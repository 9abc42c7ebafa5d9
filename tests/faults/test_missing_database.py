"""Read-only commands on a database that does not exist: refused, and nothing created.

A mistyped ``--db`` path used to create an empty database (and its folders) and answer
"no run yet", which reads like a healthy installation that never ran.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from tests.faults.procs import env, pledgewatch
from tests.support.postgres import create_database

EXIT_BAD_INPUT = 2
READ_ONLY = [["status"], ["diff"], ["history", "/pfp/ppd/1"], ["show", "/pfp/ppd/1"], ["terms"]]


def _says_how_to_create_it(stderr: str, where: str) -> bool:
    return (stderr.startswith("error: no ") and stderr.count("\n") == 1 and where in stderr
            and "`pledgewatch run` or `pledgewatch db upgrade` creates it" in stderr)


@pytest.mark.scenario("a read-only command on a mistyped SQLite path: exit 2, names it, creates nothing")
@pytest.mark.parametrize("argv", READ_ONLY, ids=[a[0] for a in READ_ONLY])
def test_a_read_only_command_refuses_a_missing_sqlite_database(argv: list[str], tmp_path: Path) -> None:
    typo = f"sqlite:///{tmp_path / 'vra' / 'pledgewatch.db'}"
    done = pledgewatch(*argv, "--db", typo, cwd=tmp_path)
    default = pledgewatch(*argv, cwd=tmp_path)  # sqlite:///var/pledgewatch.db, relative to here

    assert done.returncode == EXIT_BAD_INPUT, done.stderr
    assert _says_how_to_create_it(done.stderr, str(tmp_path / "vra" / "pledgewatch.db")), done.stderr
    assert default.returncode == EXIT_BAD_INPUT, default.stderr
    assert _says_how_to_create_it(default.stderr, "var/pledgewatch.db"), default.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.scenario("a read-only command on an empty PostgreSQL database: exit 2, no schema created")
@pytest.mark.postgres
def test_a_read_only_command_refuses_an_empty_postgresql_database(
    tmp_path: Path, postgres_admin_url: str
) -> None:
    url = create_database(postgres_admin_url, f"pw_empty_{tmp_path.name[-12:].lower()}")
    done = pledgewatch("status", cwd=tmp_path, env=env(PLEDGEWATCH_DB=url))

    assert done.returncode == EXIT_BAD_INPUT, done.stderr
    assert _says_how_to_create_it(done.stderr, url.rsplit("/", 1)[1]), done.stderr
    engine = create_engine(url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


@pytest.mark.scenario("`db upgrade` then a read-only command: the database is created, then read")
def test_db_upgrade_creates_what_read_only_commands_then_read(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'pledgewatch.db'}"
    created = pledgewatch("db", "upgrade", "--db", url, cwd=tmp_path)
    status = pledgewatch("status", "--db", url, cwd=tmp_path)

    assert created.returncode == 0, created.stderr
    # Read fine; exit 3 because no complete run exists yet (what a monitor must hear).
    assert status.returncode == 3 and "none yet" in status.stdout, status.stderr
