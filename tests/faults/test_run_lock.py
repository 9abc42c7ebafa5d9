"""Never two runs at once: of two ``pledgewatch run`` started together, or a ``run`` started
while the scheduler is running one, exactly one proceeds and the other exits with code 4."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, select, text

from pledgewatch.storage.db import open_database
from pledgewatch.storage.migrate import upgrade_to_head
from pledgewatch.storage.models import Run, RunLock
from tests.faults.app import write_config
from tests.faults.procs import PLEDGEWATCH, kill_group, pledgewatch, start, writer_busy
from tests.faults.sites import HEALTH, faulty_site, wait_for
from tests.support.postgres import create_database
from tests.support.runs import P, listing, write_run

pytestmark = pytest.mark.timeout(180)
EXIT_LOCKED = 4


def _runs(db_url: str) -> list[tuple[str, bool]]:
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
            return len(list(session.scalars(select(RunLock))))
    finally:
        factory.dispose()


@pytest.mark.scenario("two `run` commands started together: exactly one proceeds, the other exits 4")
def test_of_two_runs_started_together_exactly_one_proceeds(tmp_path: Path, db_url: str) -> None:
    slow = faulty_site(tmp_path / "slow", {HEALTH: {"delay": 4}})
    config = write_config(tmp_path, db_url)
    open_database(db_url).dispose()  # an existing database, as under cron
    both = [start(PLEDGEWATCH, "run", "--config", config, "--replay", slow) for _ in range(2)]
    try:
        outputs = [p.communicate(timeout=120) for p in both]
    finally:
        for process in both:
            kill_group(process) if process.poll() is None else None
    codes = sorted(p.returncode for p in both)
    assert codes == [0, EXIT_LOCKED], outputs
    loser = [err for p, (_, err) in zip(both, outputs, strict=True) if p.returncode == EXIT_LOCKED]
    assert "another run is in progress" in loser[0]
    assert _runs(db_url) == [("ingested", True)]
    assert _lock_rows(db_url) == 0


def _cron_of_the_last_minutes(now: datetime) -> str:
    past = [now - timedelta(minutes=k) for k in range(1, 6)]
    minutes = ",".join(str(m) for m in sorted({t.minute for t in past}))
    hours = ",".join(str(h) for h in sorted({t.hour for t in past}))
    return f"{minutes} {hours} * * *"


def _scheduler(config: Path, site: Path, log: Path) -> subprocess.Popen[str]:
    with log.open("w") as stderr:
        return start(PLEDGEWATCH, "schedule", "--config", config, "--replay", site,
                     stderr=stderr, stdout=subprocess.DEVNULL)


@pytest.mark.scenario("`run` while the scheduler runs one: the scheduler's run proceeds, `run` exits 4")
def test_a_run_started_while_the_scheduler_runs_one_is_refused(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'pw.db'}"
    slow = faulty_site(tmp_path / "slow", {HEALTH: {"delay": 6}})
    now = datetime.now(UTC)
    config = write_config(tmp_path, db_url, cron=_cron_of_the_last_minutes(now))
    log = tmp_path / "schedule.log"

    first = _scheduler(config, slow, log)
    wait_for(lambda: "next run at" in log.read_text(), 60, "the scheduler to start")
    first.send_signal(signal.SIGTERM)
    first.wait(timeout=60)
    factory = open_database(db_url)  # as if the scheduler had been down when a run was due
    with factory.begin() as session:
        session.execute(text("UPDATE apscheduler_jobs SET next_run_time = :t"),
                        {"t": (now - timedelta(minutes=2)).timestamp()})
    factory.dispose()

    scheduler = _scheduler(config, slow, log)
    try:
        wait_for(lambda: "crawling replay:" in log.read_text(), 60, "the scheduled run to start")
        refused = pledgewatch("run", "--config", config, "--replay", slow)
        wait_for(lambda: _runs(db_url) != [], 90, "the scheduled run to finish")
        time.sleep(0.5)
    finally:
        scheduler.send_signal(signal.SIGTERM)
        scheduler.communicate(timeout=60)
    assert refused.returncode == EXIT_LOCKED, refused.stderr
    assert "another run is in progress" in refused.stderr
    assert _runs(db_url) == [("ingested", True)]


@pytest.mark.scenario("first commands on a fresh PostgreSQL database at once: the schema is created once, no crash")
def test_a_command_racing_another_through_the_first_migration_does_not_crash(
    tmp_path: Path, postgres_admin_url: str, small_run: Path
) -> None:
    db_url = create_database(postgres_admin_url, f"pw_fresh_{tmp_path.name[-12:].lower()}")
    first, go_on = create_engine(db_url), threading.Event()
    event.listen(first, "commit", lambda connection: go_on.wait(60))  # hold before COMMIT
    migrating = threading.Thread(target=upgrade_to_head, args=(first,))
    migrating.start()  # the first command: the whole schema created, not yet committed
    try:
        wait_for(lambda: writer_busy(db_url), 60, "the first migration to hold its locks")
        second = start(PLEDGEWATCH, "ingest", small_run, "--db", db_url)
        wait_for(lambda: _waiting_on_a_lock(db_url), 60, "the second command to wait for the first")
    finally:
        go_on.set()
        migrating.join()
        first.dispose()
    _, err = second.communicate(timeout=120)
    assert (second.returncode, "Traceback" in err) == (0, False), err


def _waiting_on_a_lock(db_url: str) -> bool:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar())
    finally:
        engine.dispose()


@pytest.fixture
def small_run(tmp_path: Path) -> Path:
    return write_run(tmp_path / "run.jsonl", listing("a-term", [P(1, "A pledge", "Its text.")]))
