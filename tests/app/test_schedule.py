"""``pledgewatch schedule``: a real scheduler process on a real database, stopped by signals."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from pledgewatch.storage.db import open_database
from pledgewatch.storage.models import Run, RunLock

pytestmark = pytest.mark.slow

PLEDGEWATCH = str(Path(sys.executable).parent / "pledgewatch")


def cron_covering_the_last_minutes(now: datetime, minutes: int = 5) -> str:
    """A schedule that fired every minute of the last few, and not again for about an hour."""
    past = [now - timedelta(minutes=k) for k in range(1, minutes + 1)]
    minute_list = ",".join(str(m) for m in sorted({t.minute for t in past}))
    hour_list = ",".join(str(h) for h in sorted({t.hour for t in past}))
    return f"{minute_list} {hour_list} * * *"


def write_config(tmp_path: Path, db_url: str, cron: str, grace: int = 3600) -> Path:
    path = tmp_path / "pledgewatch.toml"
    path.write_text(f"""
[database]
url = "{db_url}"
[crawl]
runs_dir = "{tmp_path / 'runs'}"
plan = "full"
[report]
dir = "{tmp_path / 'reports'}"
[mail]
outbox_dir = "{tmp_path / 'outbox'}"
[schedule]
cron = "{cron}"
misfire_grace_seconds = {grace}
""")
    return path


class SchedulerProcess:
    def __init__(self, config: Path, replay: Path, log: Path) -> None:
        self.log = log
        with log.open("w") as stderr:
            self.process = subprocess.Popen(
                [PLEDGEWATCH, "schedule", "--config", str(config), "--replay", str(replay)],
                stdout=subprocess.DEVNULL, stderr=stderr,
            )

    def output(self) -> str:
        return self.log.read_text()

    def wait_for(self, needle: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.output():
            assert self.process.poll() is None, f"scheduler exited:\n{self.output()}"
            assert time.monotonic() < deadline, f"no {needle!r} in:\n{self.output()}"
            time.sleep(0.1)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=60)


@contextmanager
def scheduler(tmp_path: Path, config: Path, replay: Path, name: str) -> Iterator[SchedulerProcess]:
    process = SchedulerProcess(config, replay, tmp_path / f"{name}.log")
    try:
        yield process
    finally:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait()


def set_due(db_url: str, when: datetime) -> None:
    """As if the scheduler had been down since ``when``, when the next run was due."""
    factory = open_database(db_url)
    with factory.begin() as session:
        session.execute(text("UPDATE apscheduler_jobs SET next_run_time = :t"),
                        {"t": when.timestamp()})
    factory.dispose()


def rows(db_url: str, model: type) -> list:  # type: ignore[type-arg]
    factory = open_database(db_url)
    with factory() as session:
        found = list(session.scalars(select(model)))
    factory.dispose()
    return found


def test_the_scheduler_logs_its_next_run_and_stops_cleanly_on_sigterm(
    tmp_path: Path, db_url: str, small_sites: Path
) -> None:
    config = write_config(tmp_path, db_url, "0 6 * * *")
    with scheduler(tmp_path, config, small_sites / "after", "first") as process:
        process.wait_for("next run at")
        running = _status(config)
        assert process.stop() == 0
    assert "T06:00:00" in process.output()
    assert "scheduler stopped" in process.output()
    assert rows(db_url, Run) == []
    assert running.returncode == 3  # no complete run yet
    assert "next run:      " in running.stdout and "06:00 UTC" in running.stdout
    stopped = _status(config)  # the job store still holds 06:00; nothing will run it
    assert "next run:      not scheduled (no `pledgewatch schedule` running" in stopped.stdout


def _status(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PLEDGEWATCH, "status", "--config", str(config)], capture_output=True,
                          text=True, timeout=120)


def test_runs_missed_while_the_scheduler_was_down_run_once_at_start(
    tmp_path: Path, db_url: str, small_sites: Path
) -> None:
    now = datetime.now(UTC)
    config = write_config(tmp_path, db_url, cron_covering_the_last_minutes(now))
    with scheduler(tmp_path, config, small_sites / "after", "first") as process:
        process.wait_for("next run at")
        assert process.stop() == 0
    set_due(db_url, now - timedelta(minutes=6))  # five runs missed
    with scheduler(tmp_path, config, small_sites / "after", "second") as process:
        process.wait_for("run finished")
        process.wait_for("next run at", timeout=5)
        assert process.stop(signal.SIGINT) == 0
    assert [r.status for r in rows(db_url, Run)] == ["ingested"]


def test_a_run_missed_by_more_than_the_grace_time_is_skipped(
    tmp_path: Path, sqlite_url: str, small_sites: Path
) -> None:
    now = datetime.now(UTC)
    config = write_config(tmp_path, sqlite_url, cron_covering_the_last_minutes(now), grace=5)
    with scheduler(tmp_path, config, small_sites / "after", "first") as process:
        process.wait_for("next run at")
        process.stop()
    set_due(sqlite_url, now - timedelta(minutes=6))
    with scheduler(tmp_path, config, small_sites / "after", "second") as process:
        process.wait_for("was missed by more than 5 s")
        assert process.stop() == 0
    assert rows(sqlite_url, Run) == []


def test_sigterm_during_a_run_stops_it_and_records_it_interrupted(
    tmp_path: Path, sqlite_url: str, broken_site: Callable[..., Path]
) -> None:
    now = datetime.now(UTC)
    config = write_config(tmp_path, sqlite_url, cron_covering_the_last_minutes(now))
    slow = broken_site("after", delay=1.0)
    with scheduler(tmp_path, config, slow, "first") as process:
        process.wait_for("next run at")
        process.stop()
    set_due(sqlite_url, now - timedelta(minutes=2))
    with scheduler(tmp_path, config, slow, "second") as process:
        process.wait_for("crawling replay:")
        time.sleep(1.5)
        assert process.stop() == 0
    assert "waiting for the run in progress to stop" in process.output()
    assert [r.status for r in rows(sqlite_url, Run)] == ["interrupted"]
    assert rows(sqlite_url, RunLock) == []
