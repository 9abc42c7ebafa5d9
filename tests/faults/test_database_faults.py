"""The SQLite database file under stress from outside: locked by another process, or the disk
full. The database stays consistent and the next command recovers."""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pledgewatch.etl.changes import changes_between
from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.storage.db import open_database
from pledgewatch.storage.models import Pledge, Run
from tests.faults.procs import PLEDGEWATCH, integrity_ok, kill_group, start
from tests.support.runs import P, listing, write_run

pytestmark = pytest.mark.timeout(120)
HOLD_LOCK = (
    "import sqlite3, sys, time\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "c.execute('BEGIN EXCLUSIVE')\n"
    "print('locked', flush=True)\n"
    "time.sleep(600)\n"
)
PLEDGES = [P(300000 + i, f"Pledge {i}", f"What pledge {i} promises. " * 10) for i in range(400)]
EDITED = [P(p.nid, p.title, p.summary + ("Now more." if i == 7 else "")) for i, p in enumerate(PLEDGES)]


def _state(url: str) -> tuple[int, int]:
    factory = open_database(url)
    try:
        with factory() as session:
            return (session.scalar(select(func.count()).select_from(Run)) or 0,
                    session.scalar(select(func.count()).select_from(Pledge)) or 0)
    finally:
        factory.dispose()


def _edited_keys(url: str) -> list[str]:
    factory = open_database(url)
    try:
        with factory() as session:
            return [e.after.key for e in changes_between(session).edited]
    finally:
        factory.dispose()


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[str, Path]:
    """A database of one run, and the next run's file (one summary edited)."""
    url = f"sqlite:///{tmp_path / 'pw.db'}"
    factory = open_database(url)
    ingest_run_file(factory, write_run(tmp_path / "first.jsonl", listing("a-term", PLEDGES)))
    factory.dispose()
    return url, write_run(tmp_path / "next.jsonl", listing("a-term", EDITED),
                          stamp="2026-03-02T06:00:00+00:00")


@pytest.mark.scenario("database locked by another process: the ingest waits, then succeeds once it is freed")
def test_an_ingest_waits_for_a_database_locked_by_another_process(
    seeded: tuple[str, Path], tmp_path: Path
) -> None:
    url, next_run = seeded
    holder = start(sys.executable, "-c", HOLD_LOCK, tmp_path / "pw.db")
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    ingest = start(PLEDGEWATCH, "ingest", next_run, "--db", url)
    try:
        time.sleep(2)
        waiting = ingest.poll() is None
    finally:
        kill_group(holder)  # the other process dies holding the lock
    _, err = ingest.communicate(timeout=60)
    assert waiting, "the ingest must wait for the lock, not fail at once"
    assert ingest.returncode == 0, err
    assert integrity_ok(url)
    assert _state(url) == (2, len(PLEDGES))
    assert _edited_keys(url) == ["/pfp/ppd/300007"]


def _disk_full_at(limit: int) -> None:
    """In the child: files cannot grow past ``limit`` bytes (writes fail with EFBIG)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _ingest_on_a_full_disk(url: str, next_run: Path) -> tuple[int, str]:
    full = start(PLEDGEWATCH, "ingest", next_run, "--db", url,
                 preexec_fn=lambda: _disk_full_at(40 * 1024))  # the -shm index and a few WAL pages
    _, err = full.communicate(timeout=60)
    return full.returncode, err


@pytest.mark.scenario("disk full during an ingest: it fails, nothing half-written, next ingest recovers")
def test_an_ingest_that_runs_out_of_disk_leaves_the_database_as_it_was(
    seeded: tuple[str, Path],
) -> None:
    url, next_run = seeded
    before = _state(url)
    code, err = _ingest_on_a_full_disk(url, next_run)
    assert code == 1, err
    assert integrity_ok(url)
    assert _state(url) == before
    factory = open_database(url)
    try:
        assert ingest_run_file(factory, next_run).complete
    finally:
        factory.dispose()
    assert _edited_keys(url) == ["/pfp/ppd/300007"]


@pytest.mark.scenario("disk full during an ingest: the error is one clear line, not a traceback")
def test_an_ingest_that_runs_out_of_disk_says_so_in_one_line(seeded: tuple[str, Path]) -> None:
    code, err = _ingest_on_a_full_disk(*seeded)
    assert code == 1
    assert err.startswith("error: ") and "Traceback" not in err, err
