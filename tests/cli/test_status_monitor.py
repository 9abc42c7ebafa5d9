"""`status` as a monitor reads it: exit 0/1/3, JSON, and no "next run" once the scheduler stopped."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from pledgewatch import heartbeat
from pledgewatch.cli import main
from pledgewatch.storage.db import open_database
from pledgewatch.storage.models import Run
from pledgewatch.storage.types import utcnow

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "small"

pytestmark = pytest.mark.slow


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "pw.toml"
    path.write_text('[database]\nurl = "sqlite:///pw.db"\n[mail]\nsmtp_host = "127.0.0.1"\n'
                    'smtp_port = 9\n[[mail.recipients]]\naddress = "desk@example.org"\n')
    code, _, err = invoke("run", "--config", str(path), "--replay", str(SMALL / "before"), "--no-mail")
    assert code == 0, err
    return path


def status_json(config: Path) -> tuple[int, dict]:
    code, out, _ = invoke("status", "--config", str(config), "--format", "json")
    return code, json.loads(out)


def test_a_fresh_complete_run_is_healthy(config: Path) -> None:
    code, report = status_json(config)
    assert code == 0 and report["exit_code"] == 0 and report["problems"] == []
    assert report["last_complete_run"]["id"] == 1


def test_no_complete_run_within_stale_after_exits_3(config: Path) -> None:
    factory = open_database(f"sqlite:///{config.parent / 'pw.db'}")
    with factory.begin() as session:
        session.execute(update(Run).values(finished_at=utcnow() - timedelta(hours=49)))
    code, report = status_json(config)
    assert code == 3 and report["problems"] == ["no complete run in the last 48 hours"]
    code, out, _ = invoke("status", "--config", str(config))
    assert code == 3 and out.startswith("verdict:       no complete run in the last 48 hours (exit 3)")


def test_a_failed_last_run_exits_1(config: Path, tmp_path: Path) -> None:
    factory = open_database(f"sqlite:///{config.parent / 'pw.db'}")
    with factory.begin() as session:
        session.execute(update(Run).where(Run.id == 1).values(status="failed", error="crawl: boom"))
    code, report = status_json(config)
    assert code == 1 and "last run #1 failed" in report["problems"]


def test_next_run_only_while_the_scheduler_beats(config: Path) -> None:
    factory = open_database(f"sqlite:///{config.parent / 'pw.db'}")
    heartbeat.beat(factory)
    _, report = status_json(config)
    assert report["scheduler"]["alive"] is True
    from pledgewatch.storage.models import State

    with factory.begin() as session:
        row = session.get(State, heartbeat.KEY)
        row.value = {**row.value, "at": (utcnow() - timedelta(minutes=10)).isoformat()}
    _code, out, _ = invoke("status", "--config", str(config))
    assert "next run:      none: the scheduler stopped answering at" in out
    _, report = status_json(config)
    assert report["scheduler"]["alive"] is False and report["scheduler"]["next_run"] is None


def test_no_mail_queues_nothing_and_leaves_the_changes_for_the_next_run(config: Path) -> None:
    assert not (config.parent / "var" / "outbox").exists() or not any(
        (config.parent / "var" / "outbox").rglob("*.eml"))
    _, report = status_json(config)
    assert report["runs"][0]["email"] == "not sent (--no-mail)"
    factory = open_database(f"sqlite:///{config.parent / 'pw.db'}")
    with factory() as session:
        assert session.get(Run, 1).report_dir is None  # not reported: the next run reports it
