"""Every command reads the same configuration: flags > PLEDGEWATCH_* > --config FILE > defaults.

Each test here failed before the resolver: `history` and `diff` read ./var/pledgewatch.db
whatever PLEDGEWATCH_CONFIG or PLEDGEWATCH_DATABASE_URL said, a misspelled variable was
ignored, and relative paths in a config file depended on the working directory.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pledgewatch.cli import main

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "small"
KEY = "13185"  # a pledge of the small fixture site


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installation folder whose config names only relative paths; the cwd is elsewhere."""
    folder = tmp_path / "srv"
    folder.mkdir()
    (folder / "pw.toml").write_text('[database]\nurl = "sqlite:///data/pw.db"\n'
                                    '[report]\ndir = "reports"\n[crawl]\nplan = "full"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return folder


@pytest.fixture
def two_runs(install: Path) -> Path:
    """The small site's before and after runs stored through `run` with that config."""
    config = str(install / "pw.toml")
    for which in ("before", "after"):
        code, _, err = invoke("run", "--config", config, "--replay", str(SMALL / which))
        assert code == 0, err
    return install


def test_relative_paths_in_the_config_file_are_taken_from_its_folder(two_runs: Path) -> None:
    assert (two_runs / "data" / "pw.db").is_file()
    assert next(p.name for p in (two_runs / "reports").iterdir()).startswith("run-")
    assert not Path("var").exists() and not Path("data").exists()  # nothing in the cwd


@pytest.mark.parametrize("command", [["history", KEY], ["show", KEY], ["terms"],
                                     ["diff", "--format", "json"], ["status"]])
def test_read_commands_follow_pledgewatch_config(two_runs: Path, command: list[str]) -> None:
    code, out, err = invoke(*command, env={"PLEDGEWATCH_CONFIG": str(two_runs / "pw.toml")})
    assert code == 0, err
    assert out


def test_the_global_config_option_works_for_every_command(two_runs: Path) -> None:
    code, out, _ = invoke("--config", str(two_runs / "pw.toml"), "history", KEY)
    assert code == 0 and f"/pfp/ppd/{KEY}" in out


@pytest.mark.parametrize("variable", ["PLEDGEWATCH_DATABASE_URL", "PLEDGEWATCH_DB"])
def test_the_database_url_from_the_environment_reaches_diff(two_runs: Path, variable: str) -> None:
    url = f"sqlite:///{two_runs / 'data' / 'pw.db'}"
    code, out, err = invoke("diff", "--format", "json", env={variable: url})
    assert code == 0, err
    assert json.loads(out)["to_run"] == 2


def test_db_flag_wins_over_the_environment_and_the_file(two_runs: Path, tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path / 'other.db'}"
    code, _, err = invoke("history", KEY, "--config", str(two_runs / "pw.toml"), "--db", other,
                          env={"PLEDGEWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'third.db'}"})
    assert code == 2 and f"no database at {tmp_path / 'other.db'}" in err


def test_a_misspelled_variable_is_refused_like_a_misspelled_key(tmp_path: Path) -> None:
    code, out, err = invoke("diff", env={"PLEDGEWATCH_DATABSE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert code == 2 and out == ""
    assert err.strip() == ("error: PLEDGEWATCH_DATABSE_URL: unknown environment variable; "
                           "did you mean PLEDGEWATCH_DATABASE_URL?")
    assert not (tmp_path / "x.db").exists()


def test_config_show_says_where_each_value_came_from(install: Path) -> None:
    code, out, err = invoke(
        "config", "show", "--config", str(install / "pw.toml"), "--db",
        "postgresql+psycopg://ops:hunter2@127.0.0.1/pw",
        env={"PLEDGEWATCH_SMTP_PASSWORD": "s3cret", "PLEDGEWATCH_MAIL_SMTP_PORT": "2525"})
    assert code == 0, err
    lines = {line.split(" = ")[0]: line for line in out.splitlines() if " = " in line}
    assert lines["database.url"].endswith("# flag")
    assert "hunter2" not in out and "s3cret" not in out
    assert "ops:***@127.0.0.1" in lines["database.url"]
    assert lines["mail.smtp_password"].startswith('mail.smtp_password = "***"')
    assert lines["mail.smtp_password"].endswith("# env PLEDGEWATCH_SMTP_PASSWORD")
    assert lines["mail.smtp_port"].endswith("# env PLEDGEWATCH_MAIL_SMTP_PORT")
    assert f'report.dir = "{install / "reports"}"' in lines["report.dir"]
    assert lines["report.dir"].endswith(f"# file {install / 'pw.toml'}:4")
    assert f'"{install / "var" / "outbox"}"' in lines["mail.outbox_dir"]
    assert lines["mail.outbox_dir"].endswith("# default")


def test_config_check_exits_0_or_2_and_writes_nothing(install: Path) -> None:
    assert invoke("config", "check", "--config", str(install / "pw.toml"))[0] == 0
    (install / "bad.toml").write_text("[schedule]\ncron = \"every day\"\n")
    code, _, err = invoke("config", "check", "--config", str(install / "bad.toml"))
    assert code == 2 and err.startswith("error: schedule.cron:")
    assert sorted(p.name for p in install.iterdir()) == ["bad.toml", "pw.toml"]
