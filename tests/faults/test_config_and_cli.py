"""Bad configuration and command lines: a clear one-line error, exit code 2, nothing written.

Each case runs the real ``pledgewatch`` executable in a folder holding an existing SQLite
database; afterwards the database is byte-identical and no other file has appeared.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.storage.db import open_database
from tests.faults.procs import env, pledgewatch
from tests.support.runs import P, listing, write_run

EXIT_BAD_INPUT = 2
GOOD = '[database]\nurl = "sqlite:///pw.db"\n[crawl]\nruns_dir = "runs"\n[report]\ndir = "reports"\n'

# name: (config file text or None, extra environment, argv, words the error must contain)
CASES: dict[str, tuple[str | None, dict[str, str], list[str], list[str]]] = {
    "wrong-type": (GOOD + '[mail]\nsmtp_port = "twenty-five"\n', {}, ["run"], ["mail.smtp_port"]),
    "unknown-key": (GOOD.replace("runs_dir", "run_dir"), {}, ["run"], ["run_dir", "runs_dir"]),
    "unknown-section": (GOOD + "[mailer]\nsmtp_host = 'x'\n", {}, ["run"], ["mailer"]),
    "impossible-value": (GOOD + "[lock]\nheartbeat_seconds = 0\n", {}, ["run"], ["lock.heartbeat_seconds"]),
    "bad-cron": (GOOD + '[schedule]\ncron = "every day"\n', {}, ["schedule"], ["schedule.cron"]),
    "not-toml": (GOOD + "[mail\n", {}, ["run"], ["pledgewatch.toml"]),
    "wrong-type-in-env": (GOOD, {"PLEDGEWATCH_MAIL_SMTP_PORT": "abc"}, ["run"], ["PLEDGEWATCH_MAIL_SMTP_PORT"]),
    "password-in-file": (GOOD + '[mail]\nsmtp_password = "hunter2"\n', {}, ["run"], ["PLEDGEWATCH_SMTP_PASSWORD"]),
    "missing-config": (None, {}, ["run", "--config", "absent.toml", "--db", "sqlite:///pw.db"], ["absent.toml"]),
    "missing-replay-site": (GOOD, {}, ["run", "--replay", "no-such-site"], ["no-such-site"]),
    "missing-run-file": (None, {}, ["ingest", "absent.jsonl", "--db", "sqlite:///pw.db"], ["absent.jsonl"]),
    "malformed-run-file": (None, {}, ["ingest", "bad.jsonl", "--db", "sqlite:///pw.db"], ["line 2"]),
    "unreachable-database": (
        GOOD, {"PLEDGEWATCH_DB": "postgresql+psycopg://nobody@127.0.0.1:1/pledgewatch"}, ["run"],
        ["cannot reach database"]),
    "invalid-database-url": (GOOD, {"PLEDGEWATCH_DB": "not a url"}, ["run"], ["database URL"]),
}


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder with an existing database of one run, as a deployment would have."""
    run = write_run(tmp_path / "seed.jsonl", listing("a-term", [P(1, "A pledge", "Its text.")]))
    factory = open_database(f"sqlite:///{tmp_path / 'pw.db'}")
    ingest_run_file(factory, run)
    factory.dispose()
    run.unlink()
    return tmp_path


@pytest.mark.scenario("bad config or command line: clear error, exit 2, database byte-identical")
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_exits_2_with_a_clear_error_and_writes_nothing(case: str, workdir: Path) -> None:
    text, extra_env, argv, words = CASES[case]
    if text is not None:
        (workdir / "pledgewatch.toml").write_text(text, encoding="utf-8")
        argv = [*argv, "--config", "pledgewatch.toml"] if "--config" not in argv else argv
    (workdir / "bad.jsonl").write_text(
        '{"type": "page", "url": "https://gfmd.org/contributors/x", "status": 200, "term": null, '
        '"teasers": 0, "ok": true, "error": null}\n{not json\n', encoding="utf-8")
    before = _snapshot(workdir)

    done = pledgewatch(*argv, cwd=workdir, env=env(**extra_env), timeout=60)

    assert done.returncode == EXIT_BAD_INPUT, done.stderr
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr, done.stderr
    assert all(word in done.stderr for word in words), done.stderr
    assert _snapshot(workdir) == before
