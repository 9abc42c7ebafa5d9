"""Killing ``pledgewatch run`` with SIGKILL at any moment leaves a database the next run recovers.

A real subprocess is killed (with its crawl child, as the kernel's OOM killer
or a reboot would) once its log says it reached a stage; then a normal run must
succeed, record the killed attempt, and report exactly the changes editors have
not been told about.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from pledgewatch.etl.changes import changes_between
from pledgewatch.pipeline import run_once
from pledgewatch.storage.db import open_database
from pledgewatch.storage.models import PledgeVersion, Run, RunLock
from tests.app.conftest import app_config, mail_to
from tests.support.smtp_sink import SmtpSink

pytestmark = pytest.mark.slow

PLEDGEWATCH = str(Path(sys.executable).parent / "pledgewatch")
AFTER_CHANGES = {"new": 1, "edited": 3, "removed": 1, "reclassified": 1, "restored": 0, "not_seen": 0,
                  "unlisted": 0}
NO_CHANGES = dict.fromkeys(AFTER_CHANGES, 0)
# Log lines the pipeline writes as it enters each stage; the kill lands just after.
MOMENTS = {
    "mid-crawl": "crawling replay:",
    "ingest": "ingesting ",
    "after-ingest": "writing its report",
    "mail": "sending e-mail",
}


def config_file(tmp_path: Path, db_url: str, smtp: SmtpSink) -> Path:
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
smtp_host = "127.0.0.1"
smtp_port = {smtp.port}
outbox_dir = "{tmp_path / 'outbox'}"
[[mail.recipients]]
address = "editor@example.org"
""")
    return path


def run_and_kill(config: Path, replay: Path, marker: str, linger: float) -> None:
    """Start a run, wait for ``marker`` on its log, then SIGKILL it and its crawl."""
    process = subprocess.Popen(
        [PLEDGEWATCH, "run", "--config", str(config), "--replay", str(replay)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    seen = []
    assert process.stderr is not None
    for line in process.stderr:
        seen.append(line)
        if marker in line:
            time.sleep(linger)
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.stderr.close()
    process.wait()
    assert any(marker in line for line in seen), "".join(seen)


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_run_killed_at_any_moment_is_recovered_by_the_next_run(
    tmp_path: Path, sqlite_url: str, small_sites: Path, broken_site: Callable[..., Path],
    smtp: SmtpSink, moment: str,
) -> None:
    baseline = run_once(app_config(tmp_path, sqlite_url, mail=mail_to(smtp, tmp_path, "editor@example.org")),
                        replay=small_sites / "before")
    config = config_file(tmp_path, sqlite_url, smtp)
    mid_crawl = moment == "mid-crawl"
    after = broken_site("after", delay=1.0) if mid_crawl else small_sites / "after"
    run_and_kill(config, after, MOMENTS[moment], linger=1.0 if mid_crawl else 0.0)

    recovery = subprocess.run([PLEDGEWATCH, "run", "--config", str(config), "--replay",
                               str(small_sites / "after")], capture_output=True, text=True,
                              check=False)
    assert recovery.returncode == 0, recovery.stderr

    factory = open_database(sqlite_url)
    with factory() as session:
        runs = list(session.scalars(select(Run).order_by(Run.id)))
        killed, final = runs[1], runs[-1]
        assert len(runs) == 3 and runs[0].id == baseline.run_id
        assert killed.status in ("interrupted", "ingested")
        if killed.error is not None:  # unless the kill came after it had finished everything
            assert "interrupted" in killed.error and "is gone" in killed.error
        assert final.status == "ingested" and final.complete
        # No version belongs to a run that did not finish its ingest.
        orphans = session.scalars(select(PledgeVersion).join(Run, PledgeVersion.from_run == Run.id)
                                  .where(Run.status != "ingested")).all()
        assert orphans == []
        assert session.scalars(select(RunLock)).all() == []
        # The data is right: the final state differs from the baseline by exactly the site's changes.
        assert changes_between(session, baseline.run_id, final.id).counts() == AFTER_CHANGES
        # The report is right: it covers what was not reported before.
        told_before = killed.report_dir is not None
        assert final.counts == (NO_CHANGES if told_before else AFTER_CHANGES)
    factory.dispose()

    # Editors got the after-site's changes, and nothing else.
    subjects = [m["Subject"] for m in smtp.to("editor@example.org")]
    assert subjects and all("1 new, 3 edited, 1 removed" in s for s in subjects)
