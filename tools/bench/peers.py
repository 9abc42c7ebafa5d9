"""The peers: git-history (Simon Willison) and dbt snapshots (dbt-duckdb), on the same runs.

Both are installed into their own virtual environment under ``tools/bench/out/`` and
are never project dependencies. Each gets the per-run snapshot files the workload
wrote (one object per pledge), not the crawl output: they have no way to merge
eight teasers per pledge, so that work is done for them and is not in their time.

* git-history ingests a JSON file committed once per run, in one call over all
  commits; "default" reads the text as published (whitespace noise included),
  "best" reads the pre-normalized snapshot and writes with ``--wal``.
* dbt runs ``dbt snapshot`` once per run, check strategy over all columns with
  hard deletes invalidated, reading the run's snapshot as an external table.

After the measured runs each peer gets the last snapshot again, as 10 unchanged
runs, to measure how its database grows when nothing changes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tools.bench import measure
from tools.bench.score import Reported, Score
from tools.bench.workload import WorkloadFiles, load_truth

PEER_PACKAGES = ("git-history==0.8", "dbt-core>=1.10,<1.12", "dbt-duckdb>=1.9,<1.12")
# dbt-core 1.12 builds need a binary download at install time, which a machine that
# reaches only package registries cannot do; 1.11 has the same snapshot features.


@dataclass(slots=True)
class PeerResult:
    """One peer configuration's figures over all runs of one workload."""

    tool: str
    variant: str
    input: str
    seconds: float | None = None  # the measured runs, all together
    seconds_per_run: float | None = None
    cpu_seconds: float | None = None  # user + system CPU of the same commands
    peak_mb: float | None = None
    db_bytes: int | None = None  # after the measured runs
    db_bytes_unchanged: int | None = None  # after the unchanged runs too
    timed_out: bool = False
    timeout: float | None = None
    setup_seconds: float = 0.0  # work done for the peer, not in its time (git commits)
    score: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def growth_pct(self) -> float | None:
        if not self.db_bytes or self.db_bytes_unchanged is None:
            return None
        return 100.0 * (self.db_bytes_unchanged - self.db_bytes) / self.db_bytes

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "growth_pct": self.growth_pct}


def ensure_venv(folder: Path) -> Path:
    """The peers' own virtual environment (created once); returns its ``bin`` folder."""
    bin_dir = folder / "bin"
    ready = folder / ".peers-installed"
    if ready.exists() and ready.read_text() == "\n".join(PEER_PACKAGES):
        return bin_dir
    if not (bin_dir / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", *PEER_PACKAGES],
                   check=True)
    ready.write_text("\n".join(PEER_PACKAGES))
    return bin_dir


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@localhost"}
    done = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True, env=env)
    return done.stdout.strip()


def git_history(bin_dir: Path, files: WorkloadFiles, work: Path, *, best: bool,
                timeout: float) -> PeerResult:
    """Commit each run's snapshot, then ``git-history file`` over all the commits."""
    result = PeerResult("git-history", "best" if best else "default",
                        "pre-normalized snapshot, --wal" if best else "snapshot as published",
                        timeout=timeout)
    repo, db = work / "repo", work / "history.db"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    hashes = []
    started = time.perf_counter()
    for f in files.runs:
        shutil.copyfile(f.snapshot if best else f.raw_snapshot, repo / "snapshot.json")
        _git(repo, "add", "snapshot.json")
        _git(repo, "commit", "-q", "-m", f"run {f.run}")
        hashes.append(_git(repo, "rev-parse", "HEAD"))
    result.setup_seconds = time.perf_counter() - started
    cmd: list[str | Path] = [bin_dir / "git-history", "file", db, "snapshot.json", "--repo", repo, "--id", "id",
           "--silent", *(["--wal"] if best else [])]
    first = measure.run(cmd, timeout=timeout)
    result.seconds, result.peak_mb = first.seconds, first.peak_mb
    result.cpu_seconds = first.cpu_seconds
    result.seconds_per_run = first.seconds / len(files.runs)
    if first.timed_out:
        result.timed_out = True
        return result
    first.check("git-history")
    result.db_bytes = measure.tree_size(*db.parent.glob(db.name + "*"))
    for _ in files.unchanged:  # the same file again: git records no change of it
        _git(repo, "commit", "-q", "--allow-empty", "-m", "unchanged run")
    again = measure.run(cmd, timeout=timeout).check("git-history (unchanged runs)")
    result.peak_mb = max(result.peak_mb, again.peak_mb)
    result.db_bytes_unchanged = measure.tree_size(*db.parent.glob(db.name + "*"))
    result.score = _score_git_history(db, hashes, files).as_dict()
    result.notes.append("records no removals; unchanged runs are empty commits it skips")
    return result


def _score_git_history(db: Path, hashes: list[str], files: WorkloadFiles) -> Score:
    """Versions git-history wrote per commit, as changed keys (it never writes removals)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select commits.hash, item.id from item_version"
            " join item on item_version._item = item._id"
            " join commits on item_version._commit = commits.id").fetchall()
    by_commit: dict[str, set[str]] = {}
    for commit_hash, key in rows:
        by_commit.setdefault(commit_hash, set()).add(key)
    score = Score()
    for commit_hash, f in zip(hashes[1:], files.runs[1:], strict=False):
        score.add(load_truth(f.truth), Reported(changed=by_commit.get(commit_hash, set())))
    return score


_DBT_PROJECT = """\
name: pledges_bench
version: "1.0"
config-version: 2
profile: pledges_bench
snapshot-paths: ["snapshots"]
flags:
  send_anonymous_usage_stats: false
  partial_parse: true
"""
_DBT_PROFILE = """\
pledges_bench:
  target: bench
  outputs:
    bench:
      type: duckdb
      path: {db}
      threads: 1
"""
_DBT_SNAPSHOT = """\
{{% snapshot pledges_snapshot %}}
{{{{ config(target_schema='snapshots', unique_key='id', strategy='check', check_cols='all',
            {hard_deletes}) }}}}
select id, title, author, summary, array_to_string(terms, '|') as terms
from read_json('{{{{ var("snapshot_path") }}}}', format='array',
               columns={{'id': 'VARCHAR', 'title': 'VARCHAR', 'author': 'VARCHAR',
                        'summary': 'VARCHAR', 'terms': 'VARCHAR[]'}})
{{% endsnapshot %}}
"""


def _dbt_version(bin_dir: Path) -> tuple[int, int]:
    out = subprocess.run([str(bin_dir / "dbt"), "--version"], capture_output=True, text=True,
                         check=False).stdout
    match = re.search(r"installed:\s*(\d+)\.(\d+)", out)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 0)


def dbt_snapshot(bin_dir: Path, files: WorkloadFiles, work: Path, *, timeout: float) -> PeerResult:
    """One ``dbt snapshot`` per run over that run's pre-normalized snapshot."""
    version = _dbt_version(bin_dir)
    hard_deletes = "hard_deletes='invalidate'" if version >= (1, 9) else "invalidate_hard_deletes=True"
    result = PeerResult("dbt snapshot", f"dbt-core {version[0]}.{version[1]}, check strategy",
                        "pre-normalized snapshot", timeout=timeout)
    project, db = work / "project", work / "warehouse.duckdb"
    (project / "snapshots").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(_DBT_PROJECT)
    (project / "profiles.yml").write_text(_DBT_PROFILE.format(db=db))
    (project / "snapshots" / "pledges.sql").write_text(_DBT_SNAPSHOT.format(hard_deletes=hard_deletes))
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
    inputs = [f.snapshot for f in files.runs] + [files.runs[-1].snapshot] * len(files.unchanged)
    total, peak, cpu = 0.0, 0.0, 0.0
    for number, snapshot in enumerate(inputs, start=1):
        cmd: list[str | Path] = [bin_dir / "dbt", "--quiet", "snapshot", "--project-dir", project,
               "--profiles-dir", project, "--vars", json.dumps({"snapshot_path": str(snapshot.resolve())})]
        left = timeout - total if number <= len(files.runs) else timeout
        one = measure.run(cmd, cwd=project, env=env, timeout=max(left, 1.0))
        if one.timed_out:
            result.timed_out = True
            result.seconds = total + one.seconds
            return result
        one.check(f"dbt snapshot (run {number})")
        peak = max(peak, one.peak_mb)
        if number <= len(files.runs):
            total += one.seconds
            cpu += one.cpu_seconds or 0.0
        if number == len(files.runs):
            result.db_bytes = measure.tree_size(*db.parent.glob(db.name + "*"))
    result.seconds, result.peak_mb, result.cpu_seconds = total, peak, cpu
    result.seconds_per_run = total / len(files.runs)
    result.db_bytes_unchanged = measure.tree_size(*db.parent.glob(db.name + "*"))
    result.score = _score_dbt(bin_dir, db, files).as_dict()
    return result


_DUMP_ROWS = """\
import duckdb, json, sys
rows = duckdb.connect(sys.argv[1], read_only=True).execute(
    "select id, cast(dbt_valid_from as varchar), cast(dbt_valid_to as varchar)"
    " from snapshots.pledges_snapshot").fetchall()
json.dump(rows, sys.stdout)
"""


def _score_dbt(bin_dir: Path, db: Path, files: WorkloadFiles) -> Score:
    """Snapshot rows → per-run changed and invalidated keys (each run has one timestamp)."""
    out = subprocess.run([str(bin_dir / "python"), "-c", _DUMP_ROWS, str(db)], check=True,
                         capture_output=True, text=True).stdout
    rows: list[tuple[str, str, str | None]] = [tuple(r) for r in json.loads(out)]
    stamps = sorted({r[1] for r in rows} | {r[2] for r in rows if r[2]})
    run_of = {stamp: i for i, stamp in enumerate(stamps, start=1)}
    started: dict[int, set[str]] = {}
    ended: dict[int, set[str]] = {}
    for key, valid_from, valid_to in rows:
        started.setdefault(run_of[valid_from], set()).add(key)
        if valid_to:
            ended.setdefault(run_of[valid_to], set()).add(key)
    score = Score()
    transitions = len(files.runs) - 1 + len(files.unchanged)
    for index in range(2, 2 + transitions):
        truth = load_truth(files.runs[index - 1].truth) if index <= len(files.runs) else None
        changed = started.get(index, set())
        score.add(truth, Reported(changed=changed, removed=ended.get(index, set()) - changed))
    return score


def run_peers(files: WorkloadFiles, venv: Path, *, timeout: float,
              which: tuple[str, ...] = ("git-history-default", "git-history-best", "dbt")
              ) -> list[PeerResult]:
    """Every requested peer configuration, each in a fresh temporary folder."""
    bin_dir = ensure_venv(venv.resolve())
    results = []
    for name in which:
        work = Path(tempfile.mkdtemp(prefix=f"pledgewatch-bench-{name}-"))
        try:
            if name == "dbt":
                results.append(dbt_snapshot(bin_dir, files, work, timeout=timeout))
            else:
                results.append(git_history(bin_dir, files, work, best=name.endswith("best"),
                                           timeout=timeout))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return results
