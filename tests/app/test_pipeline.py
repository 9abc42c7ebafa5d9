"""``run_once``: the real crawl over loopback, real ingest and reports, mail to a loopback SMTP sink."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from pledgewatch import lock
from pledgewatch.config import CrawlConfig, MailConfig
from pledgewatch.core.errors import InputError, PledgewatchError, RunLocked
from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.pipeline import RunInterrupted, run_once
from pledgewatch.scraper.crawl import run_crawl
from pledgewatch.storage.db import open_database
from pledgewatch.storage.models import Run, RunLock
from tests.app.conftest import app_config, mail_to
from tests.support.smtp_sink import SmtpSink, free_port

pytestmark = pytest.mark.slow

AFTER_CHANGES = {"new": 1, "edited": 3, "removed": 1, "reclassified": 1, "restored": 0, "not_seen": 0,
                  "unlisted": 0}
NO_CHANGES = dict.fromkeys(AFTER_CHANGES, 0)


def runs(db_url: str) -> list[Run]:
    factory = open_database(db_url)
    with factory() as session:
        rows = list(session.scalars(select(Run).order_by(Run.id)))
    factory.dispose()
    return rows


def test_the_after_site_is_reported_and_mailed_against_the_baseline(
    tmp_path: Path, db_url: str, small_sites: Path, smtp: SmtpSink
) -> None:
    config = app_config(tmp_path, db_url, mail=mail_to(smtp, tmp_path, "editor@example.org"))
    first = run_once(config, replay=small_sites / "before")
    assert (first.from_run, first.complete, first.exit_code) == (None, True, 0)
    assert smtp.received == []  # the first run is the baseline, not news

    second = run_once(config, replay=small_sites / "after")
    assert second.from_run == first.run_id
    assert second.counts == AFTER_CHANGES
    assert second.exit_code == 0
    assert {p.suffix for p in second.report_dir.iterdir()} == {".html", ".txt", ".json"}
    [message] = smtp.to("editor@example.org")
    assert "1 new, 3 edited, 1 removed" in message["Subject"]
    row = runs(db_url)[-1]
    assert (row.report_dir, row.counts, row.email_status) == (
        str(second.report_dir), AFTER_CHANGES, "1 sent")


def test_an_unchanged_site_is_reported_but_not_mailed(
    tmp_path: Path, sqlite_url: str, small_sites: Path, smtp: SmtpSink
) -> None:
    config = app_config(tmp_path, sqlite_url, mail=mail_to(smtp, tmp_path, "editor@example.org"))
    run_once(config, replay=small_sites / "after")
    again = run_once(config, replay=small_sites / "after")
    assert again.counts == NO_CHANGES
    assert (again.report_dir / f"run-{again.run_id}.txt").is_file()
    assert smtp.received == []


def test_a_partial_crawl_succeeds_with_exit_code_3(
    tmp_path: Path, sqlite_url: str, small_sites: Path, broken_site: Callable[..., Path]
) -> None:
    config = app_config(tmp_path, sqlite_url)
    run_once(config, replay=small_sites / "before")
    partial = run_once(config, replay=broken_site("after", fail=1))
    assert not partial.complete
    assert partial.pages_failed == 1
    assert partial.exit_code == 3
    assert partial.health.status == "ok"  # one page in ten is under the alert threshold


def test_editors_get_one_alert_when_the_source_breaks_and_one_when_it_recovers(
    tmp_path: Path, sqlite_url: str, small_sites: Path, broken_site: Callable[..., Path],
    smtp: SmtpSink,
) -> None:
    config = app_config(tmp_path, sqlite_url, mail=mail_to(smtp, tmp_path, "editor@example.org"))
    broken = broken_site("before", fail=5)
    assert run_once(config, replay=broken).health.status == "broken"
    assert run_once(config, replay=broken).health.status == "broken"
    assert run_once(config, replay=small_sites / "before").health.status == "ok"
    subjects = [m["Subject"] for m in smtp.to("editor@example.org")]
    assert len(subjects) == 2
    assert "source broken" in subjects[0] and "source recovered" in subjects[1]


def test_a_crawl_that_fails_is_recorded_failed_and_marks_the_source_broken(
    tmp_path: Path, sqlite_url: str, broken_site: Callable[..., Path], smtp: SmtpSink
) -> None:
    config = app_config(tmp_path, sqlite_url, mail=mail_to(smtp, tmp_path, "editor@example.org"),
                        crawl=CrawlConfig(runs_dir=tmp_path / "runs", timeout_seconds=2,
                                          plan="full"))
    with pytest.raises(PledgewatchError, match="did not finish"):
        run_once(config, replay=broken_site("after", delay=3.0))
    [row] = runs(sqlite_url)
    assert row.status == "failed" and "during crawl" in (row.error or "")
    [alert] = smtp.to("editor@example.org")
    assert "source broken" in alert["Subject"]
    assert_lock_free(sqlite_url)


def test_a_run_asked_to_stop_before_ingest_is_recorded_interrupted(
    tmp_path: Path, sqlite_url: str, small_sites: Path
) -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(RunInterrupted):
        run_once(app_config(tmp_path, sqlite_url), replay=small_sites / "after", stop=stop)
    assert [r.status for r in runs(sqlite_url)] == ["interrupted"]
    assert_lock_free(sqlite_url)


def test_a_run_is_refused_while_another_holds_the_lock(
    tmp_path: Path, sqlite_url: str, small_sites: Path
) -> None:
    config = app_config(tmp_path, sqlite_url)
    factory = open_database(sqlite_url)
    lease = lock.acquire(factory, stale_after=timedelta(minutes=15), heartbeat=timedelta(minutes=1))
    try:
        with pytest.raises(RunLocked, match="another run is in progress"):
            run_once(config, replay=small_sites / "after")
    finally:
        lease.release()
        factory.dispose()
    assert runs(sqlite_url) == []


def test_changes_of_a_run_that_was_never_reported_go_into_the_next_report(
    tmp_path: Path, sqlite_url: str, small_sites: Path
) -> None:
    config = app_config(tmp_path, sqlite_url)
    first = run_once(config, replay=small_sites / "before")
    crawl_file = tmp_path / "after.jsonl"
    run_crawl(crawl_file, replay=small_sites / "after")
    unreported = ingest_run_file(open_database(sqlite_url), crawl_file)  # then the process "died"
    latest = run_once(config, replay=small_sites / "after")
    assert latest.from_run == first.run_id != unreported.run_id
    assert latest.counts == AFTER_CHANGES


def test_mail_that_could_not_be_sent_goes_out_with_the_next_run(
    tmp_path: Path, sqlite_url: str, small_sites: Path, smtp: SmtpSink
) -> None:
    nowhere = MailConfig(smtp_host="127.0.0.1", smtp_port=free_port(), outbox_dir=tmp_path / "outbox",
                         recipients=mail_to(smtp, tmp_path, "editor@example.org").recipients)
    down = app_config(tmp_path, sqlite_url, mail=nowhere)
    run_once(down, replay=small_sites / "before")
    unsent = run_once(down, replay=small_sites / "after")
    assert not unsent.email_ok and unsent.exit_code == 1
    assert "NOT sent" in unsent.email_status
    up = app_config(tmp_path, sqlite_url, mail=mail_to(smtp, tmp_path, "editor@example.org"))
    quiet = run_once(up, replay=small_sites / "after")
    assert quiet.email_ok
    [message] = smtp.to("editor@example.org")
    assert "1 new, 3 edited" in message["Subject"]


def test_a_bad_replay_folder_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    database = tmp_path / "never.db"
    with pytest.raises(InputError, match="not a directory"):
        run_once(app_config(tmp_path, f"sqlite:///{database}"), replay=tmp_path / "missing")
    assert not database.exists()


def assert_lock_free(db_url: str) -> None:
    factory = open_database(db_url)
    with factory() as session:
        assert session.scalars(select(RunLock)).all() == []
    factory.dispose()
