"""`run` publishes the site after each stored run, and its e-mail and feed link to it."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest

from pledgewatch.config import (
    Config,
    CrawlConfig,
    DatabaseConfig,
    MailConfig,
    PublishConfig,
    RecipientConfig,
    ReportConfig,
)
from pledgewatch.demo import SITES
from pledgewatch.pipeline import run_once
from tests.support.smtp_sink import SmtpSink

pytestmark = pytest.mark.slow
BASE = "https://example.org/history/"


@pytest.fixture
def smtp() -> SmtpSink:
    with SmtpSink() as sink:
        yield sink


def test_run_publishes_and_its_mail_and_feed_link_runs_and_pledges_to_the_site(tmp_path: Path, smtp):
    config = Config(
        database=DatabaseConfig(url=f"sqlite:///{tmp_path / 'db.sqlite'}"),
        crawl=CrawlConfig(runs_dir=tmp_path / "runs", plan="full"),
        report=ReportConfig(dir=tmp_path / "reports", feed=tmp_path / "feed.atom"),
        mail=MailConfig(smtp_host="127.0.0.1", smtp_port=smtp.port, outbox_dir=tmp_path / "outbox",
                        recipients=(RecipientConfig("editor@example.org"),)),
        publish=PublishConfig(enabled=True, out=tmp_path / "site", base_url=BASE))
    first = run_once(config, replay=SITES / "before")
    assert first.site == str(tmp_path / "site" / "index.html")
    second = run_once(config, replay=SITES / "after")
    assert "site: " + str(tmp_path / "site" / "index.html") in second.summary()
    assert (tmp_path / "site" / "runs" / "run-2.html").exists()

    [message] = smtp.to("editor@example.org")
    parsed = message_from_bytes(message.as_bytes(), policy=default)
    html = parsed.get_body(("html",)).get_content()
    text = parsed.get_body(("plain",)).get_content()
    assert f'href="{BASE}runs/run-2.html"' in html
    assert f'href="{BASE}pledges/13185.html"' in html
    assert f"history: {BASE}pledges/13185.html" in text
    assert f"{BASE}pledges/13301.html" in (tmp_path / "feed.atom").read_text()


def test_a_site_that_cannot_be_written_does_not_fail_the_run(tmp_path: Path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the site's folder should be")
    config = Config(database=DatabaseConfig(url=f"sqlite:///{tmp_path / 'db.sqlite'}"),
                    crawl=CrawlConfig(runs_dir=tmp_path / "runs", plan="full"), report=ReportConfig(dir=tmp_path / "r"),
                    mail=MailConfig(outbox_dir=tmp_path / "o"),
                    publish=PublishConfig(enabled=True, out=blocked / "site"))
    outcome = run_once(config, replay=SITES / "before")
    assert outcome.exit_code == 0
    assert outcome.site.startswith("NOT published")
