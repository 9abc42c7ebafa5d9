"""A full disk anywhere: one line naming the file and "no space left on device", exit 1.

The disk is full for real: a path that is a symlink to ``/dev/full`` (every write fails
with ENOSPC), or, where a file's name is only known during the run, a 8 KiB tmpfs mounted
in a private mount namespace (``unshare -rm``; skipped where that is not permitted).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pledgewatch.scraper.crawl import summarize
from tests.faults.app import write_config
from tests.faults.procs import PLEDGEWATCH, env, pledgewatch
from tests.faults.sites import SMALL
from tests.support.runs import P, listing, write_run

pytestmark = pytest.mark.timeout(180)
NO_SPACE = "no space left on device"
DEV_FULL = Path("/dev/full")


def _one_error_line(stderr: str) -> str:
    """The command's last line, after checking it is the only error and no traceback came."""
    assert "Traceback" not in stderr, stderr
    assert stderr.count("error: ") == 1, stderr
    return stderr.strip().splitlines()[-1]


def _full(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(DEV_FULL)
    return path


def _on_a_full_tmpfs(folder: Path, *argv: str | Path) -> list[str]:
    """``argv`` run with ``folder`` a fresh 8 KiB tmpfs, seen only by that process."""
    mount = 'mount -t tmpfs -o size=8k pw-full "$0" && exec "$@"'
    return ["unshare", "-rm", "sh", "-c", mount, str(folder), *map(str, argv)]


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    """A folder that becomes a tiny tmpfs for commands started through :func:`_on_a_full_tmpfs`."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    probe = subprocess.run(_on_a_full_tmpfs(folder, "true"), capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"a private tmpfs cannot be mounted here: {probe.stderr.decode().strip()}")
    return folder


def _status(config: Path) -> str:
    """`status` output; it exits 1 (the last run failed) or 3 (no complete run yet) here."""
    done = pledgewatch("status", "--config", config)
    assert done.returncode in (1, 3) and done.stderr == "", done.stderr
    return done.stdout.split("\n", 1)[1]  # after the verdict line


@pytest.mark.scenario("`crawl` into a full disk: stops at once, one line naming the run file, exit 1")
def test_a_crawl_into_a_full_disk_stops_and_names_the_file(tmp_path: Path) -> None:
    out = _full(tmp_path / "run.jsonl")
    done = pledgewatch("crawl", "--replay", SMALL / "before", "--out", out)

    assert done.returncode == 1
    assert _one_error_line(done.stderr) == f"error: {out}: {NO_SPACE}"


@pytest.mark.scenario("disk full during the crawl of `run`: one line, run recorded failed with that reason")
def test_a_run_whose_disk_fills_during_the_crawl_is_recorded_as_failed(
    tmp_path: Path, small_disk: Path
) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'pw.db'}")
    argv = _on_a_full_tmpfs(small_disk, PLEDGEWATCH, "run", "--config", config, "--replay", SMALL / "before")
    done = subprocess.run(argv, env=env(PLEDGEWATCH_CRAWL_RUNS_DIR=str(small_disk)),
                          capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 1, done.stderr
    line = _one_error_line(done.stderr)
    assert re.fullmatch(rf"error: {re.escape(str(small_disk))}/crawl-\S+\.jsonl: {NO_SPACE}", line), line
    status = _status(config)
    assert re.search(rf"failed .*\n +failed: during crawl: \S+/crawl-\S+\.jsonl: {NO_SPACE}", status), status
    assert status.startswith("source health: ok"), status  # a full disk here is not the site's fault


@pytest.mark.scenario("a run file torn mid-line: read as a crawl cut short, not a decoding error")
def test_a_run_file_with_a_torn_last_line_reads_as_cut_short(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run.jsonl", listing("a-term", [P(1, "A pledge", "Its text.")]))
    whole = run.read_bytes()
    run.write_bytes(whole[: whole.rindex(b'"reason"')])  # the crawl record cut by a full disk

    assert summarize(run) is None


def _feed_env(tmp_path: Path) -> dict[str, str]:
    return env(PLEDGEWATCH_REPORT_FEED=str(tmp_path / "reports" / "feed.atom"))


def _baseline(tmp_path: Path) -> tuple[Path, str]:
    """A config with a feed, its baseline run done; returns the config and the database's short id."""
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'pw.db'}")
    first = pledgewatch("run", "--config", config, "--replay", SMALL / "before", env=_feed_env(tmp_path))
    assert first.returncode == 0, first.stderr
    found = re.search(r"^report: \S+/run-1-([0-9a-f]{8})$", first.stdout, re.M)
    assert found, first.stdout
    return config, found[1]


@pytest.mark.scenario("disk full writing the report: says the run was stored and what failed; no mail claimed")
@pytest.mark.parametrize("target", ["report-folder", "feed"])
def test_a_report_that_cannot_be_written_says_the_run_was_stored(target: str, tmp_path: Path) -> None:
    config, short = _baseline(tmp_path)
    reports = tmp_path / "reports"
    folder = reports / f"run-2-{short}"
    full = _full(folder / ".run-2.html.tmp" if target == "report-folder" else reports / ".feed.atom.tmp")
    named = folder if target == "report-folder" else reports / "feed.atom"

    done = pledgewatch("run", "--config", config, "--replay", SMALL / "after", env=_feed_env(tmp_path))

    assert done.returncode == 1, done.stderr
    assert _one_error_line(done.stderr) == (
        f"error: run 2 was stored, but its report was not written: {named}: {NO_SPACE}")
    status = _status(config)
    run_2 = status[status.index("#2"):status.index("#1")]
    # status shows the first 200 characters of the stored reason
    assert "complete" in run_2 and f"its report was not written: {named}: no space" in run_2, status
    assert "e-mail: none (failed before its report)" in run_2 and "queued" not in run_2, status
    full.unlink()
    again = pledgewatch("run", "--config", config, "--replay", SMALL / "after", env=_feed_env(tmp_path))
    assert again.returncode == 0, again.stderr
    assert "changes since run 1: 1 new, 3 edited, 1 removed, 1 reclassified" in again.stdout


@pytest.mark.scenario("database on a full disk when opened: exit 1 (a fault, not bad input), names the file")
@pytest.mark.parametrize("command", ["run", "db upgrade", "ingest"])
def test_a_database_on_a_full_disk_is_a_fault_naming_the_file(command: str, tmp_path: Path) -> None:
    database = _full(tmp_path / "pw.db")
    run_file = write_run(tmp_path / "run.jsonl", listing("a-term", [P(1, "A pledge", "Its text.")]))
    extra = {"run": ["--replay", SMALL / "before"], "db upgrade": [], "ingest": [run_file]}[command]

    done = pledgewatch(*command.split(), *extra, "--db", f"sqlite:///{database}", cwd=tmp_path)

    assert done.returncode == 1, done.stderr
    assert _one_error_line(done.stderr) == f"error: {database}: {NO_SPACE} (database or disk is full)"


@pytest.mark.scenario("a new database on a full disk: exit 1 (a fault), not exit 2 (bad input)")
def test_a_new_database_on_a_full_disk_is_a_fault(tmp_path: Path, small_disk: Path) -> None:
    fill = 'dd if=/dev/zero of="$0/fill" bs=1k count=16 2>/dev/null; exec "$@"'
    argv = _on_a_full_tmpfs(small_disk, "sh", "-c", fill, small_disk, PLEDGEWATCH, "db", "upgrade",
                            "--db", f"sqlite:///{small_disk / 'pw.db'}")
    done = subprocess.run(argv, env=env(), capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode == 1, done.stderr
    assert _one_error_line(done.stderr) == f"error: {small_disk / 'pw.db'}: {NO_SPACE} (database or disk is full)"


@pytest.mark.scenario("`ingest --changes-json` into a full disk: says the run was stored, exit 1")
def test_an_ingest_whose_changes_json_cannot_be_written_says_the_run_was_stored(tmp_path: Path) -> None:
    run_file = write_run(tmp_path / "run.jsonl", listing("a-term", [P(1, "A pledge", "Its text.")]))
    full = _full(tmp_path / "changes" / "run-1.json")
    url = f"sqlite:///{tmp_path / 'pw.db'}"

    done = pledgewatch("ingest", run_file, "--changes-json", full.parent, "--db", url)

    assert done.returncode == 1, done.stderr
    assert _one_error_line(done.stderr) == (
        f"error: run 1 was stored, but its changes JSON was not written: {full}: {NO_SPACE}")
    assert "run 1 (complete)" in done.stdout
    assert "#1 " in pledgewatch("status", "--db", url).stdout
