"""Fixtures for the application tests: a session factory on each backend's fresh database."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pledgewatch.config import (
    Config,
    CrawlConfig,
    DatabaseConfig,
    MailConfig,
    RecipientConfig,
    ReportConfig,
)
from tests.support.smtp_sink import SmtpSink


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """SQLite only: for the slower end-to-end tests whose backend behaviour is covered elsewhere."""
    return f"sqlite:///{tmp_path / 'app.db'}"


SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "small"


@pytest.fixture
def small_sites() -> Path:
    """``before`` and ``after``: the bundled small site at two moments."""
    return SMALL


@pytest.fixture
def broken_site(tmp_path: Path) -> Callable[..., Path]:
    """A copy of a small site whose listing pages misbehave: ``broken_site("after", fail=3)``.

    ``fail`` pages answer 500; ``delay`` makes every page this slow (for timeouts
    and for killing a run mid-crawl).
    """
    def make(which: str = "after", *, fail: int = 0, delay: float = 0.0) -> Path:
        target = tmp_path / f"site-{which}-{fail}-{delay}"
        shutil.copytree(SMALL / which, target)
        manifest = target / "site.json"
        data = json.loads(manifest.read_text())
        listings = [r for r in data["responses"] if r.get("body", "").startswith("pages/")]
        for response in listings[:fail]:
            response["status"] = 500
        for response in listings:
            response["delay"] = delay
        manifest.write_text(json.dumps(data, indent=1))
        return target

    return make


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


def app_config(tmp_path: Path, db_url: str, **sections: object) -> Config:
    """A config for tests: everything under ``tmp_path``; ``mail=MailConfig(...)`` etc. replace."""
    base = Config(
        database=DatabaseConfig(url=db_url),
        # Read whole: these tests are about what a full crawl proves (a cover run's
        # tests: tests/app/test_crawl_plan_runs.py).
        crawl=CrawlConfig(runs_dir=tmp_path / "runs", timeout_seconds=120, plan="full"),
        report=ReportConfig(dir=tmp_path / "reports"),
        mail=MailConfig(outbox_dir=tmp_path / "outbox"),
    )
    return replace(base, **sections)  # type: ignore[arg-type]


def mail_to(sink: SmtpSink, tmp_path: Path, *addresses: str) -> MailConfig:
    return MailConfig(
        smtp_host="127.0.0.1", smtp_port=sink.port, outbox_dir=tmp_path / "outbox",
        recipients=tuple(RecipientConfig(a) for a in addresses),
    )
