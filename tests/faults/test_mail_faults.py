"""The mail server fails while a report goes out: the report is kept and sent later, once.

The whole pipeline (``run_once``: crawl over loopback, ingest, report, outbox, SMTP) runs
against aiosmtpd on 127.0.0.1 that is down, refuses the login, or hangs up mid-message.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest

from pledgewatch.delivery.outbox import flush, pending_messages
from pledgewatch.mailing import smtp_settings
from pledgewatch.pipeline import run_once
from tests.faults.app import EDITOR, load, write_config
from tests.faults.sites import SMALL
from tests.support.smtp_sink import USER, SmtpSink, free_port

pytestmark = pytest.mark.timeout(240)
PASSWORD = "s3cret"
GOOD = {"PLEDGEWATCH_SMTP_PASSWORD": PASSWORD}


def sink_on(port: int) -> SmtpSink:
    """A fresh server on a known port (an aiosmtpd controller cannot be started twice)."""
    sink = SmtpSink(password=PASSWORD)
    sink.port = sink.controller.port = port
    return sink


@pytest.mark.scenario("SMTP fails during a run: the report is kept and sent by the next run, once")
@pytest.mark.parametrize("failure", ["server-down", "auth-refused", "closed-mid-message"])
def test_a_report_that_could_not_be_mailed_is_sent_later_exactly_once(
    failure: str, tmp_path: Path
) -> None:
    port = free_port()
    path = write_config(tmp_path, f"sqlite:///{tmp_path / 'pw.db'}", smtp_port=port,
                        smtp_user=USER)
    run_once(load(path, **GOOD), replay=SMALL / "before")  # the baseline: nothing is mailed
    env = {"PLEDGEWATCH_SMTP_PASSWORD": "wrong"} if failure == "auth-refused" else GOOD
    with ExitStack() as stack:
        if failure != "server-down":
            broken = stack.enter_context(sink_on(port))
            broken.script.append("drop" if failure == "closed-mid-message" else "accept")
        failed = run_once(load(path, **env), replay=SMALL / "after")
    kept = pending_messages(tmp_path / "outbox")
    with sink_on(port) as recovery:
        recovered = run_once(load(path, **GOOD), replay=SMALL / "after")
        again = flush(tmp_path / "outbox", smtp_settings(load(path, **GOOD).mail))

    assert (failed.email_ok, failed.exit_code) == (False, 1)
    assert (failed.report_dir / f"run-{failed.run_id}.txt").is_file()
    assert [(m.recipient, m.attempts) for m in kept] == [(EDITOR, 1)]
    assert (recovered.email_ok, recovered.exit_code) == (True, 0)
    (message,) = recovery.to(EDITOR)
    assert f".run-1-{failed.run_id}." in message["Message-ID"]
    assert "1 new, 3 edited, 1 removed" in message["Subject"]
    assert (again.sent, pending_messages(tmp_path / "outbox")) == ((), [])
