"""pledgewatch on the workload, driven through the installed command.

Two ways, both reading the raw crawl output (~8 teasers per pledge) and
reporting each run's changes as JSON:

* **batch** (the default): ``pledgewatch ingest run-01 … run-10 --changes-json DIR``,
  one command for the ten runs, as the peers ingest their commits in one call.
  The figure includes one process start-up.
* **per command** (``--per-command``): ``ingest`` then ``diff --format json`` per
  run, as cron would run them; every figure includes a start-up each.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tools.bench import measure
from tools.bench.score import Reported, Score
from tools.bench.workload import Truth, WorkloadFiles, load_truth

CHANGED_KINDS = ("new", "edited", "reclassified", "restored")


@dataclass(slots=True)
class RunFigure:
    run: int
    ingest_seconds: float
    ingest_peak_mb: float
    diff_seconds: float | None
    diff_peak_mb: float | None
    ingest_cpu_seconds: float | None = None
    diff_cpu_seconds: float | None = None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class PledgewatchResult:
    tool: str = "pledgewatch"
    variant: str = "ingest + diff"
    input: str = "raw crawl output (teasers per term page)"
    seconds: float | None = None  # ingest + diff over the measured runs
    ingest_seconds: float | None = None
    cpu_seconds: float | None = None  # user + system CPU of the same commands
    ingest_cpu_seconds: float | None = None
    seconds_per_run: float | None = None
    peak_mb: float | None = None
    db_bytes: int | None = None
    db_bytes_unchanged: int | None = None
    timed_out: bool = False
    unchanged_seconds_per_run: float | None = None
    score: dict[str, int] = field(default_factory=dict)
    runs: list[RunFigure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def growth_pct(self) -> float | None:
        if not self.db_bytes or self.db_bytes_unchanged is None:
            return None
        return 100.0 * (self.db_bytes_unchanged - self.db_bytes) / self.db_bytes

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "growth_pct": self.growth_pct}


@dataclass(frozen=True, slots=True)
class Pledgewatch:
    """How to start the ``pledgewatch`` command: the installed one, or a frozen commit's code.

    A frozen commit keeps a long benchmark steady while the working tree changes under
    it: its files are exported to a temporary folder and run with site processing off
    (``-S``), so the editable install's import hook cannot send imports back to the
    working tree, and without the current directory on the path (``-P``), since the
    benchmark runs from the repository's root; the venv's site-packages come after the
    folder on ``PYTHONPATH``.
    """

    argv: tuple[str, ...]
    env: dict[str, str] | None = None
    commit: str | None = None

    def cmd(self, *args: str | Path) -> list[str | Path]:
        return [*self.argv, *args]


def installed(exe: Path) -> Pledgewatch:
    return Pledgewatch((str(exe),))


FROZEN_ENTRY = "from pledgewatch.cli import main; main()"


def frozen(python: Path, repo: Path, rev: str, folder: Path) -> Pledgewatch:
    """``rev``'s tree exported under ``folder`` and run by ``python`` (the project venv's)."""
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", rev], check=True,
                            capture_output=True, text=True).stdout.strip()
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(repo), "archive", commit], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    env = {**os.environ, "PYTHONPATH": f"{import_root(folder)}{os.pathsep}{site}"}
    return Pledgewatch((str(python), "-S", "-P", "-c", FROZEN_ENTRY), env, commit)


def import_root(folder: Path) -> Path:
    """Where an exported tree's packages import from. A commit whose ``pyproject.toml`` maps
    folders under one name (``package-dir``: ``etl/`` as ``pledgewatch.etl``) gets that layout
    built as symlinks, as an install would have it (and as ``tools/typecheck`` does)."""
    pyproject = folder / "pyproject.toml"
    mapping = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get(
        "setuptools", {}).get("package-dir", {}) if pyproject.is_file() else {}
    if all(name == path for name, path in mapping.items()):
        return folder
    root = folder / ".import"
    for name, path in sorted(mapping.items()):  # parents before their children
        target = root.joinpath(*name.split("."))
        if name == path:  # the top package: a folder of its own files, for children to join
            target.mkdir(parents=True, exist_ok=True)
            for entry in (folder / path).iterdir():
                (target / entry.name).symlink_to(entry)
        else:
            target.symlink_to(folder / path)
    return root


def command_status(pw: Pledgewatch) -> dict[str, bool]:
    """Which of the commands the benchmark drives this checkout has."""
    status = {}
    for verb in ("ingest", "diff"):
        done = subprocess.run([str(c) for c in pw.cmd(verb, "--help")], capture_output=True,
                              text=True, env=pw.env, check=False)
        status[verb] = done.returncode == 0
    return status


def _reported(diff: dict[str, Any]) -> Reported:
    changed = {entry["key"] for kind in CHANGED_KINDS for entry in diff.get(kind, [])}
    return Reported(changed=changed, removed={entry["key"] for entry in diff.get("removed", [])})


def _db_size(folder: Path) -> int:
    return measure.tree_size(*folder.glob("pledgewatch.db*"))


def supports_batch(pw: Pledgewatch) -> bool:
    done = subprocess.run([str(c) for c in pw.cmd("ingest", "--help")], capture_output=True,
                          text=True, env=pw.env, check=False)
    return "--changes-json" in done.stdout


def run_batch(files: WorkloadFiles, pw: Pledgewatch, *, timeout: float,
              flags: Sequence[str] = ()) -> PledgewatchResult:
    """The measured runs in one ``ingest`` command, then the unchanged ones in another;
    ``flags`` go to both commands."""
    result = PledgewatchResult(variant=" ".join(["ingest --changes-json", *flags])
                               + ", one command for all runs")
    if pw.commit:
        result.variant += f" at {pw.commit[:10]}"
    work = Path(tempfile.mkdtemp(prefix="pledgewatch-bench-"))
    db_url = f"sqlite:///{work / 'pledgewatch.db'}"
    score = Score()
    try:
        measured = _batch(pw, [f.crawl for f in files.runs], db_url, work / "changes", timeout,
                          flags)
        if measured is None:
            result.timed_out = True
            return result
        result.db_bytes = _db_size(work)
        for number, run in enumerate(files.runs, start=1):
            report = json.loads((work / "changes" / f"run-{number}.json").read_text(encoding="utf-8"))
            result.runs.append(RunFigure(number, measured.seconds / len(files.runs),
                                         measured.peak_mb, None, None, counts=report.get("counts", {})))
            if number > 1:
                score.add(load_truth(run.truth), _reported(report))
        result.seconds = result.ingest_seconds = measured.seconds
        result.cpu_seconds = result.ingest_cpu_seconds = measured.cpu_seconds
        result.seconds_per_run = measured.seconds / len(files.runs)
        result.peak_mb = measured.peak_mb
        result.score = score.as_dict()
        if files.unchanged:
            quiet = _batch(pw, list(files.unchanged), db_url, work / "changes", timeout, flags)
            if quiet is None:
                result.timed_out = True
                return result
            result.unchanged_seconds_per_run = quiet.seconds / len(files.unchanged)
            result.peak_mb = max(result.peak_mb or 0.0, quiet.peak_mb)
            result.db_bytes_unchanged = _db_size(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def _batch(pw: Pledgewatch, paths: list[Path], db_url: str, changes: Path,
           timeout: float, flags: Sequence[str] = ()) -> measure.Measured | None:
    done = measure.run(pw.cmd("ingest", *[p.resolve() for p in paths], "--db", db_url,
                              "--changes-json", changes, *flags), timeout=timeout, env=pw.env)
    if done.timed_out:
        return None
    done.check(f"pledgewatch ingest ({len(paths)} runs)")
    return done


def run_pledgewatch(files: WorkloadFiles, pw: Pledgewatch, *, timeout: float,
                    with_diff: bool = True) -> PledgewatchResult:
    """All measured runs, then the unchanged re-crawls, into a fresh SQLite database; one
    ``ingest`` and one ``diff`` command per run."""
    result = PledgewatchResult(variant="ingest + diff, a command each per run")
    if pw.commit:
        result.variant += f" at {pw.commit[:10]}"
    if not with_diff:
        result.notes.append("`pledgewatch diff` not available: correctness not scored")
    work = Path(tempfile.mkdtemp(prefix="pledgewatch-bench-"))
    db_url = f"sqlite:///{work / 'pledgewatch.db'}"
    score, unchanged_seconds = Score(), []
    total = ingest_total = peak = cpu = ingest_cpu = 0.0
    try:
        inputs: list[tuple[Path, Truth | None, bool]] = \
            [(f.crawl, load_truth(f.truth), True) for f in files.runs] + \
            [(path, None, False) for path in files.unchanged]
        for number, (path, truth, measured) in enumerate(inputs, start=1):
            outcome = _one_run(pw, path, db_url, number, timeout, with_diff)
            if outcome is None:
                result.timed_out = True
                break
            diff, figure = outcome
            result.runs.append(figure)
            seconds = figure.ingest_seconds + (figure.diff_seconds or 0.0)
            peak = max(peak, figure.ingest_peak_mb, figure.diff_peak_mb or 0.0)
            if measured:
                total += seconds
                ingest_total += figure.ingest_seconds
                ingest_cpu += figure.ingest_cpu_seconds or 0.0
                cpu += (figure.ingest_cpu_seconds or 0.0) + (figure.diff_cpu_seconds or 0.0)
            else:
                unchanged_seconds.append(seconds)
            if diff is not None and number > 1:
                score.add(truth, _reported(diff))
            if number == len(files.runs):
                result.db_bytes = _db_size(work)
        result.seconds, result.ingest_seconds, result.peak_mb = total, ingest_total, peak
        result.cpu_seconds, result.ingest_cpu_seconds = cpu, ingest_cpu
        result.seconds_per_run = total / len(files.runs)
        if unchanged_seconds:
            result.unchanged_seconds_per_run = statistics.mean(unchanged_seconds)
        result.db_bytes_unchanged = _db_size(work)
        if with_diff:
            result.score = score.as_dict()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def _one_run(pw: Pledgewatch, path: Path, db_url: str, number: int, timeout: float,
             with_diff: bool) -> tuple[dict[str, Any] | None, RunFigure] | None:
    ingest = measure.run(pw.cmd("ingest", path.resolve(), "--db", db_url), timeout=timeout,
                         env=pw.env)
    if ingest.timed_out:
        return None
    ingest.check(f"pledgewatch ingest (run {number})")
    figure = RunFigure(number, ingest.seconds, ingest.peak_mb, None, None, ingest.cpu_seconds)
    if not with_diff:
        return None, figure
    diff = measure.run(pw.cmd("diff", "--format", "json", "--db", db_url), timeout=timeout,
                       env=pw.env)
    if diff.timed_out:
        return None
    diff.check(f"pledgewatch diff (run {number})")
    figure.diff_seconds, figure.diff_peak_mb = diff.seconds, diff.peak_mb
    figure.diff_cpu_seconds = diff.cpu_seconds
    report = json.loads(diff.stdout)
    figure.counts = dict(report.get("counts", {}))
    return report, figure
