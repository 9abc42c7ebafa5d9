"""Processes killed with SIGKILL half-way: the database stays consistent, the next run recovers.

Real subprocesses (``pledgewatch crawl``, ``pledgewatch ingest``) are killed at a point the
test observes from outside: crawl lines on disk, or a write transaction open in the database.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pledgewatch.etl.changes import changes_between
from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.storage.db import open_database
from pledgewatch.storage.models import Pledge, Run, RunLock
from tests.faults.app import write_config
from tests.faults.procs import (
    PLEDGEWATCH,
    integrity_ok,
    kill_group,
    pledgewatch,
    start,
    writer_busy,
)
from tests.faults.sites import HEALTH, SMALL, crawl, faulty_site, records, wait_for
from tests.faults.truth import TRUE_CHANGES, summary
from tests.support.runs import P, listing, restamped, write_run

pytestmark = pytest.mark.timeout(180)


def _counts(db_url: str) -> tuple[int, int]:
    factory = open_database(db_url)
    try:
        with factory() as session:
            return (session.scalar(select(func.count()).select_from(Run)) or 0,
                    session.scalar(select(func.count()).select_from(Pledge)) or 0)
    finally:
        factory.dispose()


@pytest.fixture(scope="module")
def before_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small-before") / "before.jsonl"
    crawl(SMALL / "before", out)
    return out


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory: pytest.TempPathFactory, before_run: Path,
               killed_crawl: Path) -> dict[str, Path]:
    """The small site's runs, ``after`` crawled last: runs are stored in crawl order, and the
    killed crawl is ingested between the two."""
    after = tmp_path_factory.mktemp("small-after") / "after.jsonl"
    crawl(SMALL / "after", after)
    return {"before": before_run, "after": after}


@pytest.fixture(scope="module")
def killed_crawl(tmp_path_factory: pytest.TempPathFactory, before_run: Path) -> Path:
    """``pledgewatch crawl`` of the after site, SIGKILLed once most pages are written."""
    folder = tmp_path_factory.mktemp("killed-crawl")
    site = faulty_site(folder / "site", {HEALTH: {"delay": 60}}, base="after")
    out = folder / "run.jsonl"
    process = start(PLEDGEWATCH, "crawl", "--replay", site, "--out", out)
    try:
        wait_for(lambda: out.is_file() and out.read_text().count('"type":"page"') >= 9, 60,
                 "nine page records")
        assert process.poll() is None, "the crawl must still be running when it is killed"
    finally:
        kill_group(process)
    return out


@pytest.mark.scenario("crawl killed half-way: the run file has no crawl record and counts as cut short")
def test_a_killed_crawl_leaves_whole_lines_and_no_crawl_record(killed_crawl: Path) -> None:
    lines = killed_crawl.read_text(encoding="utf-8").splitlines()
    kinds = [json.loads(line)["type"] for line in lines]
    assert "crawl" not in kinds
    assert kinds.count("page") == 9
    assert HEALTH not in [r["url"] for r in records(killed_crawl, "page")]


@pytest.mark.scenario("crawl killed half-way: ingested as a partial run, nothing removed, next run recovers")
def test_a_killed_crawl_is_ingested_as_partial_and_the_next_run_reports_the_truth(
    killed_crawl: Path, small_runs: dict[str, Path], db_url: str, tmp_path: Path
) -> None:
    factory = open_database(db_url)
    try:
        ingest_run_file(factory, restamped(small_runs["before"], 1, tmp_path))
        cut = ingest_run_file(factory, restamped(killed_crawl, 2, tmp_path))
        with factory() as session:
            during = changes_between(session, None, cut.run_id)
            row = session.get(Run, cut.run_id)
            reason = row.crawl_reason if row else None
        healthy = ingest_run_file(factory, restamped(small_runs["after"], 3, tmp_path))
        with factory() as session:
            after = changes_between(session, None, healthy.run_id)
    finally:
        factory.dispose()
    assert (cut.complete, cut.removed) == (False, 0)
    assert reason == "no crawl record: file cut short"
    assert during.removed == () and during.restored == ()
    assert (after.from_run, summary(after)) == (1, TRUE_CHANGES)


@pytest.fixture(scope="module")
def big_run(tmp_path_factory: pytest.TempPathFactory, small_runs: dict[str, Path]) -> Path:
    """A run file that takes seconds to ingest: 15,000 pledges on one term, stamped now, after
    the small site's ``before`` run it is ingested after (runs are stored in crawl order)."""
    pledges = [P(200000 + i, f"Pledge number {i}", f"What pledge {i} promises. " * 12)
               for i in range(15_000)]
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
    return write_run(tmp_path_factory.mktemp("big") / "big.jsonl", listing("big-term", pledges),
                     stamp=stamp)


@pytest.mark.scenario("ingest killed mid-transaction: nothing of it is stored, next run recovers")
def test_an_ingest_killed_mid_transaction_leaves_no_trace(
    big_run: Path, small_runs: dict[str, Path], db_url: str, tmp_path: Path
) -> None:
    factory = open_database(db_url)
    ingest_run_file(factory, restamped(small_runs["before"], 1, tmp_path))
    factory.dispose()
    before = _counts(db_url)

    process = start(PLEDGEWATCH, "ingest", big_run, "--db", db_url)
    try:
        wait_for(lambda: writer_busy(db_url), 60, "the ingest's write transaction")
        time.sleep(0.2)  # well inside: the whole file takes seconds
        assert process.poll() is None, "the ingest must still be running when it is killed"
    finally:
        kill_group(process)

    assert integrity_ok(db_url)
    assert _counts(db_url) == before
    factory = open_database(db_url)
    try:
        healthy = ingest_run_file(factory, restamped(small_runs["after"], 3, tmp_path))
        with factory() as session:
            after = changes_between(session, None, healthy.run_id)
    finally:
        factory.dispose()
    assert (after.from_run, summary(after)) == (1, TRUE_CHANGES)
    assert _counts(db_url)[0] == 2


@pytest.mark.scenario("`run` killed mid-crawl: the next run clears its lock, records it interrupted, reports the truth")
def test_a_run_killed_mid_crawl_is_recovered_by_the_next_run(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'pw.db'}"
    config = write_config(tmp_path, db_url)
    slow = faulty_site(tmp_path / "slow", {HEALTH: {"delay": 60}}, base="after")
    assert pledgewatch("run", "--config", config, "--replay", SMALL / "before").returncode == 0

    doomed = start(PLEDGEWATCH, "run", "--config", config, "--replay", slow)
    try:
        wait_for(lambda: _pages_written(tmp_path / "runs") >= 9, 60, "most of the crawl")
        assert doomed.poll() is None, "the run must still be crawling when it is killed"
    finally:
        kill_group(doomed)
    locks_left = _lock_rows(db_url)
    recovered = pledgewatch("run", "--config", config, "--replay", SMALL / "after")

    assert locks_left == 1
    assert recovered.returncode == 0, recovered.stderr
    assert "changes since run 1: 1 new, 3 edited, 1 removed, 1 reclassified, 0 restored" \
        in recovered.stdout, recovered.stdout
    assert [status for status, _ in _statuses(db_url)] == ["ingested", "interrupted", "ingested"]
    assert _lock_rows(db_url) == 0


def _pages_written(runs_dir: Path) -> int:
    return sum(f.read_text(encoding="utf-8").count('"type":"page"') for f in runs_dir.glob("*.jsonl"))


def _statuses(db_url: str) -> list[tuple[str, bool]]:
    factory = open_database(db_url)
    try:
        with factory() as session:
            return [(r.status, r.complete) for r in session.scalars(select(Run).order_by(Run.id))]
    finally:
        factory.dispose()


def _lock_rows(db_url: str) -> int:
    factory = open_database(db_url)
    try:
        with factory() as session:
            return session.scalar(select(func.count()).select_from(RunLock)) or 0
    finally:
        factory.dispose()
