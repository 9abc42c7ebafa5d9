"""Runs in order: a run file crawled before the newest stored run, or at an impossible time, is
refused with nothing written, since every change would be reported backwards."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from pledgewatch.cli import main
from pledgewatch.etl.run_order import crawl_time_problem
from pledgewatch.storage.db import open_database
from pledgewatch.storage.models import Run
from tests.support.runs import P, listing, write_run

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("finished, newest, refused", [
    (datetime(2026, 12, 6, tzinfo=UTC), datetime(2026, 12, 5, tzinfo=UTC), False),
    (datetime(2026, 12, 5, tzinfo=UTC), datetime(2026, 12, 5, tzinfo=UTC), False),  # the same crawl time
    (datetime(2026, 12, 4, tzinfo=UTC), datetime(2026, 12, 5, tzinfo=UTC), True),
    (datetime(1, 1, 1, tzinfo=UTC), None, True),
    (datetime(2009, 12, 31, tzinfo=UTC), None, True),
    (datetime(9999, 12, 31, tzinfo=UTC), None, True),
    (datetime(2026, 12, 8, 6, 0, tzinfo=UTC), None, False),  # tomorrow morning: a skewed clock
    (datetime(2026, 12, 9, tzinfo=UTC), None, True),
    (None, datetime(2026, 12, 5, tzinfo=UTC), False),  # cut short: no time to judge by
])
def test_which_crawl_times_can_be_stored_next(finished, newest, refused):
    assert (crawl_time_problem(finished, newest, NOW) is not None) is refused


def _run(path, stamp):
    return write_run(path, listing("member-states", [P(1, "Alpha", "A.")]), stamp=stamp)


def _stored_runs(db_url: str) -> int:
    factory = open_database(db_url)
    with factory() as session:
        count = session.scalar(select(func.count()).select_from(Run))
    factory.dispose()
    return count


def test_a_run_older_than_the_newest_stored_one_is_refused_and_nothing_is_written(tmp_path, db_url):
    newer = _run(tmp_path / "after.jsonl", "2026-03-02T06:00:00+00:00")
    older = _run(tmp_path / "before.jsonl", "2026-03-01T06:00:00+00:00")
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(newer), "--db", db_url]).exit_code == 0
    result = runner.invoke(main, ["ingest", str(older), "--db", db_url])
    assert result.exit_code == 2
    assert "before the newest stored run" in result.output and "nothing was written" in result.output
    assert _stored_runs(db_url) == 1


def test_files_given_out_of_order_are_refused_before_anything_is_written(tmp_path, db_url):
    newer = _run(tmp_path / "after.jsonl", "2026-03-02T06:00:00+00:00")
    older = _run(tmp_path / "before.jsonl", "2026-03-01T06:00:00+00:00")
    result = CliRunner().invoke(main, ["ingest", str(newer), str(older), "--db", db_url])
    assert result.exit_code == 2 and "give the files in the order they were crawled" in result.output
    assert _stored_runs(db_url) == 0


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+00:00", "9999-12-31T00:00:00+00:00"])
def test_a_crawl_time_no_crawl_can_have_is_refused(tmp_path, db_url, stamp):
    result = CliRunner().invoke(main, ["ingest", str(_run(tmp_path / "r.jsonl", stamp)),
                                       "--db", db_url])
    assert result.exit_code == 2 and "a wrong clock" in result.output
    assert _stored_runs(db_url) == 0
