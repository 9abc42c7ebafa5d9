"""``run_once`` with a webhook channel on 127.0.0.1 and retention: what a cron run now does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pledgewatch.config import ReportConfig
from pledgewatch.config_notify import ChannelConfig, NotifyConfig, OutboxConfig
from pledgewatch.delivery.outbox import everything_pending
from pledgewatch.pipeline import run_once
from tests.app.conftest import app_config
from tests.support.smtp_sink import free_port
from tests.support.webhook_sink import WebhookSink

pytestmark = pytest.mark.slow


def test_a_channel_gets_the_run_once_and_a_channel_that_was_down_gets_it_next_run(
    tmp_path: Path, sqlite_url: str, small_sites: Path
) -> None:
    port = free_port()
    channel = ChannelConfig(url=WebhookSink(port).url(), name="desk")
    config = app_config(tmp_path, sqlite_url, notify=NotifyConfig((channel,)))
    run_once(config, replay=small_sites / "before")
    down = run_once(config, replay=small_sites / "after")
    assert down.exit_code == 1 and down.email_status.startswith("0 sent; 1 NOT sent")
    assert "desk (json://***)" in down.email_status and "t0ken" not in down.email_status
    assert [m.recipient for m in everything_pending(tmp_path / "outbox")] == ["desk (json://***)"]
    with WebhookSink(port) as receiver:
        later = run_once(config, replay=small_sites / "after")
        assert later.exit_code == 0 and later.email_status == "1 sent"
    (post,) = receiver.posts
    assert post.body["title"].startswith("gfmd.org: 1 new, 3 edited, 1 removed")
    assert "- new: " in post.body["message"]


def test_after_a_run_only_the_newest_report_folders_and_recent_sent_messages_stay(
    tmp_path: Path, sqlite_url: str, small_sites: Path
) -> None:
    config = app_config(tmp_path, sqlite_url, outbox=OutboxConfig(keep_sent_days=1),
                        report=ReportConfig(dir=tmp_path / "reports", keep_runs=2))
    old_sent = tmp_path / "outbox" / "sent" / "run-0-1--0123456789abcdef.eml"
    old_sent.parent.mkdir(parents=True)
    old_sent.write_text("Subject: old\n")
    os.utime(old_sent, (0, 0))
    outcomes = [run_once(config, replay=small_sites / site) for site in ("before", "after", "after")]
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == \
        sorted(o.report_dir.name for o in outcomes[1:])
    assert not old_sent.exists()
