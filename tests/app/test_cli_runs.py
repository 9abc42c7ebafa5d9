"""The ``run``, ``status`` and ``demo`` commands: exit codes, messages, and what they print."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from pledgewatch import lock
from pledgewatch.cli import main
from pledgewatch.storage.db import open_database

pytestmark = pytest.mark.slow


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", ["run", "schedule", "status", "demo"])
def test_every_command_has_help(command: str) -> None:
    code, out, _ = invoke(command, "--help")
    assert code == 0 and "Usage:" in out and "--help" in out


def test_run_help_documents_the_exit_codes() -> None:
    _, out, _ = invoke("run", "--help")
    for code in ("0", "1", "2", "3", "4"):
        assert f"  {code}  " in out


def test_an_invalid_config_exits_2_naming_the_key_and_writes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "pledgewatch.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "x.db"}"\n[mail]\nsmtp_port = "25"\n')
    code, _, err = invoke("run", "--config", str(config))
    assert code == 2
    assert "mail.smtp_port" in err
    assert not (tmp_path / "x.db").exists()


def test_a_missing_config_file_exits_2(tmp_path: Path) -> None:
    code, _, err = invoke("status", "--config", str(tmp_path / "nope.toml"))
    assert code == 2 and "not found" in err


def test_an_invalid_environment_override_exits_2(tmp_path: Path) -> None:
    code, _, err = invoke("status", env={"PLEDGEWATCH_MAIL_SMTP_PORT": "lots"})
    assert code == 2 and "PLEDGEWATCH_MAIL_SMTP_PORT" in err


def test_run_prints_a_summary_and_status_lists_it(tmp_path: Path, sqlite_url: str, small_sites: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # default report and crawl folders land here
    code, out, _ = invoke("run", "--db", sqlite_url, "--replay", str(small_sites / "after"))
    assert code == 0
    assert "run 1: crawl complete, 10 pages ok, 0 failed" in out
    code, out, _ = invoke("status", env={"PLEDGEWATCH_DB": sqlite_url})
    assert code == 0
    assert "source health: ok" in out
    assert "run lock:      free" in out
    assert "#1" in out and "complete" in out and "pages 10 ok/0 failed" in out


def test_a_partial_crawl_exits_3(tmp_path: Path, sqlite_url: str, broken_site: Callable[..., Path],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke("run", "--db", sqlite_url, "--replay", str(broken_site("after", fail=1)))
    assert code == 3
    assert "PARTIAL" in out


def test_a_run_while_another_holds_the_lock_exits_4(tmp_path: Path, sqlite_url: str,
                                                    small_sites: Path) -> None:
    factory = open_database(sqlite_url)
    lease = lock.acquire(factory, stale_after=timedelta(minutes=15), heartbeat=timedelta(minutes=1))
    try:
        code, _, err = invoke("run", "--db", sqlite_url, "--replay", str(small_sites / "after"))
        _, status, _ = invoke("status", "--db", sqlite_url)
    finally:
        lease.release()
        factory.dispose()
    assert code == 4
    assert "another run is in progress" in err
    assert "run lock:      pid" in status


def test_a_missing_replay_folder_exits_2(tmp_path: Path, sqlite_url: str) -> None:
    code, _, err = invoke("run", "--db", sqlite_url, "--replay", str(tmp_path / "nope"))
    assert code == 2 and "nope" in err


def test_demo_writes_the_report_of_the_bundled_sites_and_names_it(tmp_path: Path) -> None:
    out_dir = tmp_path / "demo"
    code, out, _ = invoke("demo", "--out", str(out_dir), env={"PLEDGEWATCH_DB": "sqlite:///ignored.db"})
    assert code == 0
    assert "changes since run 1: 1 new, 3 edited, 1 removed, 1 reclassified" in out
    [folder] = (out_dir / "reports").glob("run-2-*")  # run-2-<database id>
    html, text = folder / "run-2.html", folder / "run-2.txt"
    assert str(html) in out and str(text) in out
    assert "EDITED PLEDGES (3)" in text.read_text()
    again, out_again, _ = invoke("demo", "--out", str(out_dir))
    assert again == 0 and "run 2:" in out_again  # a fresh database every time
