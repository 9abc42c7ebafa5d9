"""Cron can be quiet, logs are one line per record, and `| head` ends a command silently.

Through the installed executable in a subprocess: cron and pipes see its real streams.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pledgewatch.cli import main

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "small"
EXE = str(Path(sys.executable).with_name("pledgewatch"))

pytestmark = pytest.mark.slow


def write_config(folder: Path) -> Path:
    path = folder / "pw.toml"
    path.write_text('[database]\nurl = "sqlite:///pw.db"\n[crawl]\nplan = "full"\n')
    return path


def pledgewatch(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """Two runs of the small site in tmp_path/pw.db, through the documented cron line."""
    config = write_config(tmp_path)
    for which in ("before", "after"):
        done = pledgewatch("-q", "run", "--config", str(config), "--replay", str(SMALL / which),
                           cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    return config


def test_the_cron_line_prints_nothing_on_a_successful_run(stored: Path) -> None:
    done = pledgewatch("-q", "run", "--config", str(stored), "--replay", str(SMALL / "after"),
                       cwd=Path("/"))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_without_q_a_run_says_what_it_did(stored: Path) -> None:
    done = pledgewatch("run", "--config", str(stored), "--replay", str(SMALL / "after"), cwd=Path("/"))
    assert done.returncode == 0 and done.stdout.startswith("run 3: crawl complete")
    assert " INFO pledgewatch.pipeline: " in done.stderr
    assert "scrapy" not in done.stderr.lower()  # Scrapy's start-up stays at WARNING


def test_log_file_gets_one_line_per_record_in_one_format(stored: Path, tmp_path: Path) -> None:
    log = tmp_path / "logs" / "pw.log"
    done = pledgewatch("-v", "--log-file", str(log), "run", "--config", str(stored),
                       "--replay", str(SMALL / "after"), cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    lines = log.read_text().splitlines()
    assert any(" DEBUG scrapy." in line for line in lines)  # -v: the crawl process's too
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+: "
    assert all(__import__("re").match(stamp, line) for line in lines), lines[:5]


@pytest.mark.parametrize("command", [["history", "13185"], ["terms"], ["diff", "--format", "json"],
                                     ["diff"], ["config", "show"]])
def test_a_pipe_closed_early_ends_the_command_silently_with_141(stored: Path,
                                                                command: list[str]) -> None:
    process = subprocess.Popen([EXE, "--config", str(stored), *command], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=stored.parent)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader went away (`| head -0`) before anything was written
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=120) == 141
    assert err == b""


def test_crawl_is_quiet_by_default_and_takes_scrapys_flags(tmp_path: Path) -> None:
    quiet = pledgewatch("crawl", "--replay", str(SMALL / "after"), "--out", "a.jsonl", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == ""
    chatty = pledgewatch("crawl", "--replay", str(SMALL / "after"), "--out", "b.jsonl", "-L", "INFO",
                         "-s", "DOWNLOAD_TIMEOUT=7", cwd=tmp_path)
    assert chatty.returncode == 0 and "INFO scrapy." in chatty.stderr
    assert "'DOWNLOAD_TIMEOUT': '7'" in chatty.stderr  # Scrapy's "Overridden settings" line
    bad = pledgewatch("crawl", "--replay", str(SMALL / "after"), "--out", "c.jsonl", "-s", "NOPE",
                      cwd=tmp_path)
    assert (bad.returncode, bad.stderr) == (2, "error: -s NOPE: expected NAME=VALUE\n")
    assert not (tmp_path / "c.jsonl").exists()


def test_top_level_help_shows_whole_summaries() -> None:
    result = CliRunner().invoke(main, ["--help"])
    commands = result.output.split("Commands:")[1]
    assert "..." not in commands
    assert "and write a change report." in commands  # demo's summary, to its end
    for option in ("-q, --quiet", "-v, --verbose", "--log-level", "--log-file", "--config FILE"):
        assert option in result.output


def test_the_readme_completion_line_produces_a_bash_completion_script() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert '_PLEDGEWATCH_COMPLETE=bash_source pledgewatch' in readme
    done = subprocess.run([EXE], env={"_PLEDGEWATCH_COMPLETE": "bash_source", "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "complete -o nosort -F _pledgewatch_completion pledgewatch" in done.stdout
