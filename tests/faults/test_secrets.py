"""A database password never reaches stdout, stderr or a log, whatever is wrong with the URL.

Cron mails a job's output and keeps it in logs, so a password printed once is leaked. Each
case runs the real ``pledgewatch`` executable; a malformed URL must also be refused as bad
input (exit 2) in one line, creating nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.procs import env, pledgewatch
from tests.support.postgres import create_database

EXIT_BAD_INPUT = 2
PASSWORD = "Pw-s3cret"  # also written URL-quoted below, as a URL must carry "@" or "/"

MALFORMED = {
    "unknown-driver": f"postgresql+nosuchdriver://editor:{PASSWORD}@127.0.0.1/pw",
    "unknown-dialect": f"nosuchdb://editor:{PASSWORD}@127.0.0.1/pw",
    "port-not-a-number": f"postgresql+psycopg://editor:{PASSWORD}@127.0.0.1:fivefourthree/pw",
    "port-out-of-range": f"postgresql+psycopg://editor:{PASSWORD}@127.0.0.1:99999/pw",
    "driver-not-installed": f"mysql://editor:{PASSWORD}@127.0.0.1/pw",
    "quoted-password": "postgresql+nosuchdriver://editor:Pw%40s3cret%2F@127.0.0.1/pw",
    "unreachable-server": f"postgresql+psycopg://editor:{PASSWORD}@127.0.0.1:1/pw",
}


def _leaks(done: object, *secrets: str) -> list[str]:
    text = f"{getattr(done, 'stdout', '')}\n{getattr(done, 'stderr', '')}"
    return [secret for secret in secrets if secret in text]


# ``run`` (what cron calls) with every URL; the other commands open the database the same way.
CALLS = [("run", case) for case in MALFORMED] + [
    (command, case) for command in ("status", "db upgrade") for case in ("unknown-driver", "port-not-a-number")]


@pytest.mark.scenario("a malformed or unreachable database URL: exit 2, one line, password masked")
@pytest.mark.parametrize(("command", "case"), CALLS, ids=[f"{c.replace(' ', '_')}-{u}" for c, u in CALLS])
def test_a_bad_database_url_is_refused_in_one_line_without_its_password(
    command: str, case: str, tmp_path: Path
) -> None:
    done = pledgewatch(*command.split(), cwd=tmp_path, env=env(PLEDGEWATCH_DB=MALFORMED[case]), timeout=60)

    assert done.returncode == EXIT_BAD_INPUT, done.stderr
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert "***" in done.stderr and "editor" in done.stderr, done.stderr
    assert _leaks(done, PASSWORD, "Pw@s3cret/", "Pw%40s3cret%2F") == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.scenario("a working PostgreSQL URL with a password: the password is never printed")
@pytest.mark.postgres
def test_a_working_database_url_is_printed_without_its_password(
    tmp_path: Path, postgres_admin_url: str
) -> None:
    plain = create_database(postgres_admin_url, f"pw_secret_{tmp_path.name[-12:].lower()}")
    url = plain.replace("://postgres@", f"://postgres:{PASSWORD}@")  # the test server trusts any password
    assert PASSWORD in url

    upgraded = pledgewatch("db", "upgrade", "--db", url, cwd=tmp_path)
    status = pledgewatch("--debug", "status", "--db", url, cwd=tmp_path)

    assert upgraded.returncode == 0 and "is up to date" in upgraded.stdout, upgraded.stderr
    assert "postgres:***@127.0.0.1" in upgraded.stdout
    assert status.returncode == 3, status.stderr  # read fine; no complete run yet
    assert _leaks(upgraded, PASSWORD) == [] and _leaks(status, PASSWORD) == []
